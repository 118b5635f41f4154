package registration

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

// mutatingDoc is a MutatingPolicy (or, with a namespace, a NamespacedMutatingPolicy) on the given resource rule;
// spec holds extra spec lines, indented by two spaces.
func mutatingDoc(name, namespace, spec, resourceRule string) string {
	kind, meta := "MutatingPolicy", "{name: "+name+"}"
	if namespace != "" {
		kind, meta = "NamespacedMutatingPolicy", "{name: "+name+", namespace: "+namespace+"}"
	}
	return "apiVersion: policies.kyverno.io/v1\nkind: " + kind + "\nmetadata: " + meta + "\nspec:\n" + spec +
		"  autogen: {podControllers: {controllers: []}}\n" +
		"  mutations: [{patchType: ApplyConfiguration, applyConfiguration: {expression: 'Object{}'}}]\n" +
		"  matchConstraints:\n    resourceRules:\n    - " + resourceRule + "\n"
}

// A MutatingPolicy registers its matchConstraints in the mutating webhook of its failure policy and timeout, with
// reinvocationPolicy IfNeeded (a policy asking IfNeeded is called again after a later webhook changed the object),
// and nothing in the validating webhooks.
func TestDesiredMutatingPolicy(t *testing.T) {
	pods := `{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}`
	tests := []struct {
		name     string
		doc      string
		mutating map[string][]string
	}{
		{"resources as written", mutatingDoc("m", "", "  reinvocationPolicy: IfNeeded\n", pods),
			map[string][]string{"mutate-fail-10.bylaw.dev": {"core/v1 pods CREATE,UPDATE *"}}},
		{"failure policy and timeout pick the webhook",
			mutatingDoc("m", "", "  failurePolicy: Ignore\n  webhookConfiguration: {timeoutSeconds: 3}\n", pods),
			map[string][]string{"mutate-ignore-3.bylaw.dev": {"core/v1 pods CREATE,UPDATE *"}}},
		{"a namespaced policy registers namespaced scope", mutatingDoc("m", "team-a", "", pods),
			map[string][]string{"mutate-fail-10.bylaw.dev": {"core/v1 pods CREATE,UPDATE Namespaced"}}},
		{"admission disabled: left out", mutatingDoc("m", "", "  evaluation: {admission: {enabled: false}}\n", pods), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, m, _, err := Desired(loadPolicies(t, tt.doc), testMapper(), nil, testOptions())
			require.NoError(t, err)
			assert.Nil(t, describeValidating(v))
			assert.Equal(t, tt.mutating, describeMutating(m))
			if m != nil {
				for _, w := range m.Webhooks {
					assert.Equal(t, admissionregistrationv1.IfNeededReinvocationPolicy, *w.ReinvocationPolicy)
				}
			}
		})
	}
}
