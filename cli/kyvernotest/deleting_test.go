package kyvernotest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Rows with isDeletingPolicy are scored as Kyverno's CLI scores deleting policies: pass when the cleanup
// controller would delete the resource (selected, every condition holds), fail when it keeps it (not selected, out
// of a namespaced policy's namespace, or a condition is false).
func TestRunDeletingPolicySuite(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"testdata/dpol", []string{"6 passed, 0 failed, 0 skipped",
			"Pod/team/done       pass", "Job/other/finished  pass"}},
		{"../../examples/deletingpolicy", []string{"3 passed, 0 failed, 0 skipped"}},
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
			assert.NotContains(t, out.String(), "skip ", "no row is skipped")
		})
	}
}
