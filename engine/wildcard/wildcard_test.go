package wildcard

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"", "", true},
		{"", "a", false},
		{"*", "", true},
		{"*", "anything/with/slashes", true},
		{"?*", "", false},
		{"?*", "x", true},
		{"kube-*", "kube-system", true},
		{"kube-*", "default", false},
		{"*-system", "kube-system", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*.example.com", "a.b.example.com", true},
		{"app.kubernetes.io/*", "app.kubernetes.io/name", true},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"exact", "exact", true},
		{"exact", "exacT", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Match(tt.pattern, tt.s), "%q ~ %q", tt.pattern, tt.s)
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("a*b?c", "aXXbYc")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !Has(pattern) {
			assert.Equal(t, pattern == s, Match(pattern, s))
		}
		if Match(pattern, s) && !Has(pattern) && pattern != s {
			t.Fatalf("literal %q matched %q", pattern, s)
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	for b.Loop() {
		Match("app.kubernetes.io/*", "app.kubernetes.io/name")
	}
}
