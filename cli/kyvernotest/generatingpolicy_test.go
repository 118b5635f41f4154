package kyvernotest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The GeneratingPolicy suite: generator.Apply, a YAML template with CEL interpolation, a NamespacedGeneratingPolicy
// confined to its namespace (an escape is an error row) and a CEL PolicyException (a skip row), each scored with
// its generatedResource.
func TestRunGeneratingPolicySuite(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"testdata-gpol", []string{"5 passed, 0 failed, 0 skipped"}},
		{"../../examples/generatingpolicy", []string{"2 passed, 0 failed, 0 skipped"}},
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

// A generatedResource that differs from what the policy generates fails the row.
func TestGeneratingPolicyGeneratedResourceCompared(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, "testdata-gpol", dir)
	writeFile(t, dir+"/generated-config.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: team-payments\n"+
		"  namespace: shop\ndata:\n  team: other\n")
	var out bytes.Buffer
	code, err := Run(t.Context(), Options{Paths: []string{dir}, DetailedResults: true}, &out)
	require.NoError(t, err)
	assert.Equal(t, 1, code, out.String())
	assert.Contains(t, out.String(), "generatedResource ConfigMap/shop/team-payments was not generated as given")
}

// copyDir copies the files of the folder src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		writeFile(t, filepath.Join(dst, e.Name()), string(data))
	}
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(data), 0o600))
}
