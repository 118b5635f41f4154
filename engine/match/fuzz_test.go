package match

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
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

// FuzzConstraints compiles resource rules from random resource names and checks the API server's rules for
// resource matching: "*/*" selects every request, "*" every request without a subresource, a rule naming exactly
// the request's resource/subresource selects it, and an exclude of the same rule removes it.
func FuzzConstraints(f *testing.F) {
	for _, s := range [][3]string{{"pods", "pods", ""}, {"pods/exec", "pods", "exec"}, {"*/status", "deployments", "status"},
		{"pods/*", "pods", "log"}, {"*", "services", ""}, {"a/b/c", "a", "b/c"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, want, resource, subresource string) {
		r := Resource{Version: "v1", Kind: "X", Resource: resource, Subresource: subresource, Namespace: "n", Operation: "CREATE"}
		c, err := CompileConstraints(constraintsFor(want, false))
		if err != nil {
			return
		}
		got := c.Matches(&r)
		exact := resource
		if subresource != "" {
			exact += "/" + subresource
		}
		switch {
		case want == "*/*" && !got:
			t.Fatalf("*/* did not select %s", exact)
		case want == "*" && got != (subresource == ""):
			t.Fatalf("* on %s: %v", exact, got)
		case want == exact && resource != "" && resource != "*" && !got:
			t.Fatalf("%s did not select itself", want)
		}
		if ex, err := CompileConstraints(constraintsFor(want, true)); err == nil && ex.Matches(&r) {
			t.Fatalf("%s: excluded by the same rule and still selected", want)
		}
	})
}

func constraintsFor(resource string, exclude bool) *admissionregistrationv1.MatchResources {
	rules := []admissionregistrationv1.NamedRuleWithOperations{rule([]string{"*"}, []string{"*"}, []string{resource},
		admissionregistrationv1.OperationAll)}
	m := &admissionregistrationv1.MatchResources{ResourceRules: rules}
	if exclude {
		m.ExcludeResourceRules = rules
	}
	return m
}
