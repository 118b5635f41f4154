package image

import (
	"strings"
	"testing"
)

// FuzzParse checks that parsing never panics and that a parsed reference is consistent: it prints back to a
// reference that parses to the same parts, its identifier is its digest or else its tag, and the parts appear in
// its string form.
func FuzzParse(f *testing.F) {
	for _, tc := range referenceCases {
		f.Add(tc.ref)
	}
	f.Add("a/b/c:d@sha256:" + strings.Repeat("0", 64))
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(r.String())
		if err != nil {
			t.Fatalf("%q parsed, but its string %q does not: %v", s, r.String(), err)
		}
		if again.Registry() != r.Registry() || again.Repository() != r.Repository() || again.Identifier() != r.Identifier() {
			t.Fatalf("%q and its string %q parse differently", s, r.String())
		}
		want := r.Tag()
		if r.Digest() != "" {
			want = r.Digest()
		}
		if r.Identifier() != want || (r.Tag() == "") == (r.Digest() == "") {
			t.Fatalf("%q: identifier %q, tag %q, digest %q", s, r.Identifier(), r.Tag(), r.Digest())
		}
		sep := r.IdentifierWithSeparator()
		if (!strings.HasSuffix(r.String(), sep) && sep != ":"+r.Identifier()) || r.Registry() == "" || r.Repository() == "" {
			t.Fatalf("%q: %q does not end in %q or has empty parts", s, r.String(), r.IdentifierWithSeparator())
		}
	})
}
