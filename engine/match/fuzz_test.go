package match

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// wildcardRegexp is a slow reference for wildcard patterns.
func wildcardRegexp(pat string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`(?s)^`)
	for _, r := range pat {
		switch r {
		case '*':
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

func FuzzMatches(f *testing.F) {
	seeds := [][4]string{
		{"Pod", "nginx", "Pod", ""},
		{"apps/*/Deployment", "web-*", "Deployment", ""},
		{"Pod/exec", "ngin?", "Pod", "exec"},
		{"v1/Pod.status", "?*", "Pod", "status"},
		{"*/*", "*a*b?c*", "Namespace", "scale"},
		{"networking.k8s.io/v1/NetworkPolicy", "", "NetworkPolicy", ""},
		{"a/b/c/d/e", "ü?", "é", ""},
		{"*Role*", "**?", "ClusterRole", "ephemeralcontainers"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, kind, name, resKind, subresource string) {
		checkPatternAgainstReference(t, name, resKind)
		m, err := Compile(Criteria{Any: []Filter{{
			Kinds: []string{kind}, Name: name, Namespaces: []string{name},
			Annotations: map[string]string{name: name},
		}}})
		if err != nil {
			return
		}
		r := res(resKind, sub(subresource), named(resKind, resKind), annotated(resKind, resKind))
		matched := m.Matches(&r)
		if matched != (m.WhyNotMatched(&r) == "") {
			t.Fatalf("Matches=%v disagrees with WhyNotMatched=%q", matched, m.WhyNotMatched(&r))
		}
		if m.Excludes(&r) != matched {
			t.Fatalf("Excludes differs from Matches for a filter without user conditions")
		}
	})
}

// checkPatternAgainstReference compares the compiled pattern, the general
// algorithm and a regexp on valid UTF-8 input.
func checkPatternAgainstReference(t *testing.T, pat, s string) {
	t.Helper()
	p := compilePattern(pat)
	got := p.match(s)
	if general := globMatch(pat, s); got != general {
		t.Fatalf("pattern %q on %q: form %d says %v, general algorithm %v", pat, s, p.form, got, general)
	}
	if !utf8.ValidString(pat) || !utf8.ValidString(s) {
		return
	}
	if want := wildcardRegexp(pat).MatchString(s); got != want {
		t.Fatalf("pattern %q on %q: got %v, reference %v", pat, s, got, want)
	}
}
