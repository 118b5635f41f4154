package policy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

func testMAP(version string) string {
	return `apiVersion: admissionregistration.k8s.io/` + version + `
kind: MutatingAdmissionPolicy
metadata: {name: add-label}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration: {expression: "Object{metadata: Object.metadata{labels: {'a': 'b'}}}"}
`
}

func testMAPBinding(name, policyName, extra string) string {
	return "---\napiVersion: admissionregistration.k8s.io/v1\nkind: MutatingAdmissionPolicyBinding\nmetadata: {name: " + name +
		"}\nspec:\n  policyName: " + policyName + "\n" + extra
}

func TestLoadMutatingAdmissionPolicies(t *testing.T) {
	v1 := testMAP("v1")
	tests := []struct {
		name  string
		docs  []string // one file each
		rules []string // the rules of the compiled policy, in order
		err   string
	}{
		{name: "a v1 policy alone is evaluated alone", docs: []string{v1}, rules: []string{"add-label"}},
		{name: "v1beta1 is read", docs: []string{testMAP("v1beta1")}, rules: []string{"add-label"}},
		{name: "v1alpha1 is read", docs: []string{testMAP("v1alpha1")}, rules: []string{"add-label"}},
		{name: "a binding pairs with its policy", docs: []string{v1 + testMAPBinding("b1", "add-label", "")}, rules: []string{"b1"}},
		{name: "bindings pair across files, in order", docs: []string{testMAPBinding("b2", "add-label", ""), v1, testMAPBinding("b1", "add-label", "")},
			rules: []string{"b2", "b1"}},
		{name: "a binding naming no loaded policy is an error", docs: []string{v1 + testMAPBinding("b1", "other", "")}, rules: []string{"add-label"},
			err: `MutatingAdmissionPolicyBinding b1) field spec.policyName: MutatingAdmissionPolicy "other" not found`},
		{name: "policyName is required", docs: []string{testMAPBinding("b1", "''", "")}, err: "spec.policyName: required"},
		{name: "strict decoding of policies", docs: []string{v1 + "  bogus: 1\n"}, err: `unknown field "spec.bogus"`},
		{name: "strict decoding of bindings; the policy of a broken binding is not evaluated alone",
			docs: []string{v1 + testMAPBinding("b1", "add-label", "  validationActions: [Deny]\n")}, err: `unknown field "spec.validationActions"`},
		{name: "paramRef needs name or selector", docs: []string{v1 + testMAPBinding("b1", "add-label", "  paramRef: {parameterNotFoundAction: Deny}\n")},
			err: "binding b1: spec.paramRef: exactly one of name and selector"},
		{name: "paramRef needs a paramKind", docs: []string{replaceAll(v1, "  paramKind: {apiVersion: v1, kind: ConfigMap}\n", "") +
			testMAPBinding("b1", "add-label", "  paramRef: {name: x}\n")}, err: "the policy has no spec.paramKind"},
		{name: "matchConstraints required", docs: []string{replaceAll(v1, "resourceRules:", "excludeResourceRules:")}, err: "spec.matchConstraints.resourceRules: required"},
		{name: "mutations required", docs: []string{v1[:len(v1)-len("  mutations:\n  - patchType: ApplyConfiguration\n    applyConfiguration: {expression: \"Object{metadata: Object.metadata{labels: {'a': 'b'}}}\"}\n")]},
			err: "spec.mutations: at least one mutation is required"},
		{name: "unknown patchType", docs: []string{replaceAll(v1, "patchType: ApplyConfiguration", "patchType: Merge")}, err: `spec.mutations[0].patchType: "Merge"`},
		{name: "unknown reinvocationPolicy", docs: []string{v1 + "  reinvocationPolicy: Always\n"}, err: `spec.reinvocationPolicy: "Always" is not Never or IfNeeded`},
		{name: "CEL errors name the field", docs: []string{replaceAll(v1, "{'a': 'b'}", "{'a': }")}, err: "mutations[0].applyConfiguration.expression"},
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
			require.LessOrEqual(t, len(set.Policies), 1)
			for _, p := range set.Policies {
				assert.Equal(t, "add-label", p.Name)
				assert.Equal(t, engine.MutatingAdmissionPolicyKind, p.Kind)
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

// In a cluster the API server enforces MutatingAdmissionPolicies: without WithAdmissionPolicies they are ignored.
func TestMutatingAdmissionPoliciesIgnoredWithoutOption(t *testing.T) {
	set := NewLoader(engine.New()).LoadBytes("bundle.yaml", []byte(testMAP("v1")+testMAPBinding("b1", "add-label", "")+"---\n"+goodPolicy))
	assert.Empty(t, set.Errors)
	require.Len(t, set.Policies, 1)
	assert.Equal(t, "require-labels", set.Policies[0].Name)
}
