package kyvernotest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/bylaw-dev/bylaw/engine"
)

func TestRuleNameMatchesAutogenForms(t *testing.T) {
	tests := []struct {
		result, rule string
		want         bool
	}{
		{"check", "check", true},
		{"autogen-check", "check", true},
		{"autogen-cronjob-check", "check", true},
		{"autogen-check", "autogen-check", true},
		{"autogen-cronjob-check", "cronjob-check", true}, // "autogen-" + "cronjob-check", as in Kyverno
		{"check-2", "check", false},
		{"autogen-check", "other", false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ruleNameMatches(tt.result, tt.rule), "%s vs %s", tt.result, tt.rule)
	}
}

func TestJudge(t *testing.T) {
	tests := []struct {
		name             string
		expected, actual string
		kyverno          bool
		outcome          Outcome
		reason           string
	}{
		{"match", "pass", "pass", false, OutcomePass, "Ok"},
		{"skip matches skip", "skip", "skip", false, OutcomePass, "Ok"},
		{"mismatch", "pass", "fail", false, OutcomeFail, "Want pass, got fail: msg"},
		{"want fail got pass", "fail", "pass", false, OutcomeFail, "Want fail, got pass: msg"},
		{"want fail got pass under kyverno scoring", "fail", "pass", true, OutcomePass, "Want fail, got pass: msg (passes under Kyverno v1.19 scoring)"},
		{"want pass got fail under kyverno scoring", "pass", "fail", true, OutcomeFail, "Want pass, got fail: msg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judge(Row{Expected: tt.expected, Actual: tt.actual}, "msg", scoring{kyverno: tt.kyverno})
			assert.Equal(t, tt.outcome, got.Outcome)
			assert.Equal(t, tt.reason, got.Reason)
		})
	}
}

func TestJudgeNotApplied(t *testing.T) {
	excluded := notApplied{text: "the rule's exclude removed the resource"}
	missing := notApplied{text: "policy p has no rule r", ruleMissing: true}
	tests := []struct {
		name     string
		expected string
		why      notApplied
		kyverno  bool
		outcome  Outcome
	}{
		{"excluded counts as skip", "skip", excluded, false, OutcomePass},
		{"excluded is not a pass", "pass", excluded, false, OutcomeFail},
		{"excluded is not a fail", "fail", excluded, false, OutcomeFail},
		{"excluded passes anything under kyverno scoring", "pass", excluded, true, OutcomePass},
		{"missing rule fails even when skip was expected", "skip", missing, false, OutcomeFail},
		{"missing rule passes under kyverno scoring", "fail", missing, true, OutcomePass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judgeNotApplied(Row{Expected: tt.expected}, tt.why, scoring{kyverno: tt.kyverno})
			assert.Equal(t, tt.outcome, got.Outcome, got.Reason)
			assert.Equal(t, "skip", got.Actual)
			assert.Contains(t, got.Reason, tt.why.text)
		})
	}
}

func resourcesSuite() *suite {
	mk := func(apiVersion, kind, ns, name string) *loadedResource {
		return &loadedResource{apiVersion: apiVersion, kind: kind, namespace: ns, name: name}
	}
	return &suite{
		resources: []*loadedResource{
			mk("v1", "Pod", "default", "web"),
			mk("v1", "Pod", "prod", "web"),
			mk("apps/v1", "Deployment", "default", "web"),
			mk("apps/v1", "Deployment", "default", "api"),
		},
		policies: map[string][]*engine.Policy{
			"pol":  {{Name: "pol", Kind: "ClusterPolicy"}},
			"nsed": {{Name: "nsed", Namespace: "a", Kind: "Policy"}, {Name: "nsed", Namespace: "b", Kind: "Policy"}},
		},
		unsupported: map[string]string{"vpol": unsupportedKindReason + " (ValidatingPolicy)"},
		policyErrs:  map[string][]string{"broken": {"p.yaml document 2 (ClusterPolicy broken): bad"}},
	}
}

func TestResolveResources(t *testing.T) {
	s := resourcesSuite()
	display := func(rs []*loadedResource) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.display())
		}
		return out
	}
	tests := []struct {
		name  string
		entry Result
		t     target
		want  []string
	}{
		{"name of kind", Result{Kind: "Deployment"}, target{ref: "web"}, []string{"Deployment/default/web"}},
		{"name in two namespaces", Result{Kind: "Pod"}, target{ref: "web"}, []string{"Pod/default/web", "Pod/prod/web"}},
		{"namespace/name", Result{Kind: "Pod"}, target{ref: "prod/web"}, []string{"Pod/prod/web"}},
		{"deprecated namespace field", Result{Kind: "Pod", Namespace: "prod"}, target{ref: "web"}, []string{"Pod/prod/web"}},
		{"kind mismatch falls back to the name", Result{Kind: "CronJob"}, target{ref: "api"}, []string{"Deployment/default/api"}},
		{"unknown name", Result{Kind: "Pod"}, target{ref: "nope"}, nil},
		{"spec", Result{}, target{spec: &ResourceSpec{Group: "apps", Version: "v1", Kind: "Deployment", Namespace: "default", Name: "web"}}, []string{"Deployment/default/web"}},
		{"spec of another version", Result{}, target{spec: &ResourceSpec{Group: "apps", Version: "v2", Namespace: "default", Name: "web"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, display(s.resolve(&tt.entry, tt.t)))
		})
	}
}

func TestPoliciesFor(t *testing.T) {
	s := resourcesSuite()
	tests := []struct {
		ref        string
		namespaces []string
		reason     string
	}{
		{"pol", []string{""}, ""},
		{"default/pol", []string{""}, ""},
		{"b/nsed", []string{"b"}, ""},
		{"nsed", []string{"a", "b"}, ""},
		{"broken", nil, "policy failed to load: p.yaml document 2 (ClusterPolicy broken): bad"},
		{"missing", nil, "policy missing not found in the test's policy files"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			pols, reason := s.policiesFor(tt.ref)
			var namespaces []string
			for _, p := range pols {
				namespaces = append(namespaces, p.Namespace)
			}
			assert.Equal(t, tt.namespaces, namespaces)
			assert.Equal(t, tt.reason, reason)
		})
	}
}

func TestSkipReason(t *testing.T) {
	s := resourcesSuite()
	assert.Equal(t, unsupportedKindReason+" (ValidatingPolicy)", s.skipReason(&Result{Policy: "vpol"}))
	assert.Equal(t, unsupportedKindReason+" (ImageValidatingPolicy)", s.skipReason(&Result{Policy: "pol", IsImageValidatingPolicy: true}))
	assert.Empty(t, s.skipReason(&Result{Policy: "pol", IsMutatingPolicy: true}), "MutatingPolicy rows are evaluated")
	assert.Empty(t, s.skipReason(&Result{Policy: "x", IsValidatingAdmissionPolicy: true}), "ValidatingAdmissionPolicy rows are evaluated")
	assert.Empty(t, s.skipReason(&Result{Policy: "pol"}))
}

func TestScoreTargetFailsEarlyWithReasons(t *testing.T) {
	s := resourcesSuite()
	tests := []struct {
		name    string
		entry   Result
		outcome Outcome
		reason  string
	}{
		{"unsupported kind", Result{Policy: "vpol", Kind: "Pod", Result: "pass"}, OutcomeSkip, unsupportedKindReason + " (ValidatingPolicy)"},
		{"load error", Result{Policy: "broken", Kind: "Pod", Result: "pass"}, OutcomeFail, "policy failed to load: p.yaml document 2 (ClusterPolicy broken): bad"},
		{"unknown result", Result{Policy: "pol", Kind: "Pod", Result: "maybe"}, OutcomeFail, `unknown expected result "maybe" (want pass, fail, skip, warn or error)`},
		{"resource not found", Result{Policy: "pol", Kind: "Pod", Result: "pass"}, OutcomeFail, "resource not found in the test's resource files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := s.scoreTarget(t.Context(), &tt.entry, target{ref: "nope"}, scoring{})
			if assert.Len(t, rows, 1) {
				assert.Equal(t, tt.outcome, rows[0].Outcome)
				assert.Equal(t, tt.reason, rows[0].Reason)
				assert.Equal(t, "Pod/nope", rows[0].Resource)
			}
		})
	}
}
