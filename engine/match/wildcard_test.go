package match

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPatternMatch(t *testing.T) {
	tests := []struct {
		pattern, text string
		want          bool
		form          patternForm
	}{
		{"", "", true, formExact},
		{"", "a", false, formExact},
		{"nginx", "nginx", true, formExact},
		{"nginx", "nginx2", false, formExact},
		{"*", "", true, formAny},
		{"**", "anything", true, formAny},
		{"kube-*", "kube-system", true, formPrefix},
		{"kube-*", "kube-", true, formPrefix},
		{"kube-*", "default", false, formPrefix},
		{"*-system", "kube-system", true, formSuffix},
		{"*-system", "kube-public", false, formSuffix},
		{"*Role*", "ClusterRoleBinding", true, formContains},
		{"*Role*", "Role", true, formContains},
		{"*Role*", "Pod", false, formContains},
		{"ngin?", "nginx", true, formGlob},
		{"ngin?", "ngin", false, formGlob},
		{"ngin?", "nginxx", false, formGlob},
		{"?*", "", false, formAtLeast},
		{"?*", "x", true, formAtLeast},
		{"*??*", "é", false, formAtLeast},
		{"*??*", "éé", true, formAtLeast},
		{"??", "ab", true, formRuneCount},
		{"??", "abc", false, formRuneCount},
		{"??", "é", false, formRuneCount},
		{"a*b*c", "aXXbYYc", true, formGlob},
		{"a*b*c", "aXXcYYb", false, formGlob},
		{"a*b?c", "abbxc", true, formGlob},
		{"*.myorg.com", "git.myorg.com", true, formSuffix},
		{"https://?*.myorg.com/*", "https://git.myorg.com/repo", true, formGlob},
		{"https://?*.myorg.com/*", "https://.myorg.com/repo", false, formGlob},
		{"ü?", "üé", true, formGlob},
		{"?", "é", true, formRuneCount},
		{"*?", "é", true, formAtLeast},
		{"my-bucket/mnop*?and", "my-bucket/mnopand", false, formGlob},
		{"my-bucket/mnop*?and", "my-bucket/mnopqand", true, formGlob},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"~"+tt.text, func(t *testing.T) {
			p := compilePattern(tt.pattern)
			assert.Equal(t, tt.form, p.form, "form")
			assert.Equal(t, tt.want, p.match(tt.text))
			assert.Equal(t, tt.want, globMatch(tt.pattern, tt.text), "general algorithm agrees")
		})
	}
}

func TestPairPatterns(t *testing.T) {
	tests := []struct {
		name     string
		patterns map[string]string
		actual   map[string]string
		want     bool
	}{
		{"exact", map[string]string{"a": "1"}, map[string]string{"a": "1", "b": "2"}, true},
		{"exact value differs", map[string]string{"a": "1"}, map[string]string{"a": "2"}, false},
		{"wildcard value", map[string]string{"a": "?"}, map[string]string{"a": "2"}, true},
		{"wildcard key", map[string]string{"x/*": "on"}, map[string]string{"x/y": "on"}, true},
		{"wildcard key and value from different entries", map[string]string{"x/*": "on"},
			map[string]string{"x/y": "off", "z": "on"}, false},
		{"missing key", map[string]string{"a": "*"}, map[string]string{}, false},
		{"nil map", map[string]string{"*": "*"}, nil, false},
		{"every pair needed", map[string]string{"a": "1", "b": "2"}, map[string]string{"a": "1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, compilePairs(tt.patterns).matchAll(tt.actual))
		})
	}
}
