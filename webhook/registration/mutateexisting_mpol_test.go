package registration

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A mutateExisting MutatingPolicy registers its triggers (matchConstraints) in the validating webhook, where the
// generate requests are recorded, and nothing in the mutating webhooks: its trigger is not patched.
func TestDesiredMutateExistingMutatingPolicy(t *testing.T) {
	cms := `{apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE]}`
	existing := "  evaluation: {mutateExisting: {enabled: true}}\n"
	tests := []struct {
		name      string
		doc       string
		validated bool
	}{
		{"a cluster policy's triggers", mutatingDoc("m", "", existing, cms), true},
		{"a namespaced policy's triggers", mutatingDoc("m", "team-a", existing, cms), true},
		{"admission disabled: no trigger", mutatingDoc("m", "", "  evaluation: {mutateExisting: {enabled: true}, admission: {enabled: false}}\n", cms), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, m, _, err := Desired(loadPolicies(t, tt.doc), testMapper(), nil, testOptions())
			require.NoError(t, err)
			assert.Nil(t, describeMutating(m), "the trigger is not mutated")
			got := describeValidating(v)
			if !tt.validated {
				assert.Nil(t, got)
				return
			}
			require.NotEmpty(t, got)
			found := false
			for _, rules := range got {
				for _, r := range rules {
					found = found || strings.HasPrefix(r, "core/v1 configmaps CREATE")
				}
			}
			assert.True(t, found, "configmaps registered for the trigger: %v", got)
		})
	}
}
