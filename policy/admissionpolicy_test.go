package policy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

const testVAP = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
  validations:
  - expression: object.spec.replicas <= 5
`

func testBinding(name, policyName, extra string) string {
	return "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata: {name: " + name +
		"}\nspec:\n  policyName: " + policyName + "\n  validationActions: [Deny]\n" + extra
}

func TestLoadAdmissionPolicies(t *testing.T) {
	tests := []struct {
		name  string
		docs  []string // one file each
		rules []string // the rule of each compiled policy, in order
		err   string
	}{
		{name: "a policy alone is evaluated alone", docs: []string{testVAP}, rules: []string{"max-replicas"}},
		{name: "a binding pairs with its policy", docs: []string{testVAP + testBinding("b1", "max-replicas", "")}, rules: []string{"b1"}},
		{name: "bindings pair across files, one rule each", docs: []string{testBinding("b1", "max-replicas", ""), testVAP, testBinding("b2", "max-replicas", "")},
			rules: []string{"b1", "b2"}},
		{name: "a binding naming no loaded policy is an error", docs: []string{testVAP + testBinding("b1", "other", "")},
			rules: []string{"max-replicas"}, err: `ValidatingAdmissionPolicyBinding b1) field spec.policyName: ValidatingAdmissionPolicy "other" not found`},
		{name: "policyName is required", docs: []string{testBinding("b1", "''", "")}, err: "spec.policyName: required"},
		{name: "strict decoding: unknown field", docs: []string{testVAP + "  bogus: 1\n"}, err: `unknown field "spec.bogus"`},
		{name: "strict decoding of bindings; the policy of a broken binding is not evaluated alone",
			docs: []string{testVAP + testBinding("b1", "max-replicas", "  extra: true\n")}, err: `unknown field "spec.extra"`},
		{name: "one bad binding refuses its policy", docs: []string{testVAP + testBinding("b1", "max-replicas", "") +
			replaceAll(testBinding("b2", "max-replicas", ""), "[Deny]", "[Block]")}, err: `binding b2: spec.validationActions[0]: "Block" is not Deny, Audit or Warn`},
		{name: "Deny with Warn is refused", docs: []string{testVAP + replaceAll(testBinding("b1", "max-replicas", ""), "[Deny]", "[Deny, Warn]")},
			err: "Deny and Warn may not be used together"},
		{name: "paramRef needs name or selector", docs: []string{testVAP + testBinding("b1", "max-replicas", "  paramRef: {parameterNotFoundAction: Deny}\n")},
			err: "exactly one of name and selector"},
		{name: "paramRef needs a paramKind", docs: []string{replaceAll(testVAP, "  paramKind: {apiVersion: v1, kind: ConfigMap}\n", "") +
			testBinding("b1", "max-replicas", "  paramRef: {name: x}\n")}, err: "the policy has no spec.paramKind"},
		{name: "matchConstraints required", docs: []string{"apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: x}\nspec:\n  validations: [{expression: 'true'}]\n"},
			err: "spec.matchConstraints.resourceRules: required"},
		{name: "CEL errors name the field", docs: []string{replaceAll(testVAP, "object.spec.replicas <= 5", "object.spec.replicas <=")}, err: "spec: expressions[0].expression: compilation failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLoader(engine.New(), WithAdmissionPolicies())
			set := &Set{}
			for _, d := range tt.docs {
				set.merge(l.loadBytes(t.Context(), "f.yaml", []byte(d)))
			}
			l.pairAdmission(set)
			var rules []string
			require.LessOrEqual(t, len(set.Policies), 1, "one policy per ValidatingAdmissionPolicy")
			for _, p := range set.Policies {
				assert.Equal(t, "max-replicas", p.Name)
				for _, r := range p.Rules {
					rules = append(rules, r.Name)
				}
			}
			assert.Equal(t, tt.rules, rules)
			if tt.err == "" {
				assert.Empty(t, set.Errors)
				return
			}
			require.NotEmpty(t, set.Errors)
			assert.ErrorContains(t, set.Errors[0], tt.err)
		})
	}
}

func replaceAll(s, old, repl string) string { return strings.ReplaceAll(s, old, repl) }

// The policy controller and the GitSource bundles use a Loader without WithAdmissionPolicies: there the API server
// enforces ValidatingAdmissionPolicies, and Bylaw ignores them like any document that is not its own.
func TestAdmissionPoliciesIgnoredWithoutOption(t *testing.T) {
	set := NewLoader(engine.New()).LoadBytes("bundle.yaml", []byte(testVAP+testBinding("b1", "max-replicas", "")+"---\n"+goodPolicy))
	assert.Empty(t, set.Errors)
	require.Len(t, set.Policies, 1)
	assert.Equal(t, "require-labels", set.Policies[0].Name)
}

func FuzzLoadAdmissionPolicy(f *testing.F) {
	f.Add([]byte(testVAP + testBinding("b1", "max-replicas", "  paramRef: {selector: {matchLabels: {a: b}}, parameterNotFoundAction: Allow}\n")))
	f.Add([]byte(testBinding("b1", "x", "  matchResources: {namespaceSelector: {matchExpressions: [{key: a, operator: In}]}}\n")))
	f.Add([]byte("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata: {name: x}\nspec: {}\n"))
	l := NewLoader(engine.New(), WithAdmissionPolicies())
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		set := l.LoadBytes("fuzz.yaml", data)
		for _, e := range set.Errors {
			require.NotEmpty(t, e.Error())
		}
	})
}
