package kyvernotest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The ValidatingAdmissionPolicy suite: params by name and by selector, a binding's matchResources, a policy
// without binding and matchConditions, scored by policy name as Kyverno's CLI does.
func TestRunAdmissionPolicySuite(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"testdata/vap", []string{"8 passed, 0 failed, 0 skipped", "Excluded: the policy's matchConditions do not hold"}},
		{"../../examples/vap", []string{"2 passed, 0 failed, 0 skipped"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var out bytes.Buffer
			code, err := Run(t.Context(), Options{Paths: []string{tt.path}, DetailedResults: true}, &out)
			require.NoError(t, err)
			assert.Equal(t, 0, code, out.String())
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w)
			}
		})
	}
}
