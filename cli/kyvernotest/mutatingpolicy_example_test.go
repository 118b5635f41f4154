package kyvernotest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The `bylaw test` example of docs/mutatingpolicy.md: MutatingPolicy rows are scored, patched resources compared.
func TestExampleMutatingPolicySuite(t *testing.T) {
	var out bytes.Buffer
	code, err := Run(t.Context(), Options{Paths: []string{"../../examples/mutatingpolicy"}, DetailedResults: true}, &out)
	require.NoError(t, err)
	assert.Equal(t, 0, code, out.String())
	assert.Contains(t, out.String(), "6 passed, 0 failed, 0 skipped")
	assert.Contains(t, out.String(), "Excluded: the policy applies to namespace shop only")
}

// A MutatingPolicy row whose patched resource differs from the policy's result fails, naming the difference.
func TestMutatingPolicyPatchedResourceCompared(t *testing.T) {
	dir := t.TempDir()
	copyFile := func(from, to string, edit func(string) string) {
		data, err := os.ReadFile(filepath.Join("../../examples/mutatingpolicy", from))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, to), []byte(edit(string(data))), 0o600))
	}
	same := func(s string) string { return s }
	copyFile("policies/shop-priority.yaml", "policy.yaml", same)
	copyFile("pods.yaml", "pods.yaml", same)
	copyFile("patched/shop-priority-shop-web.yaml", "patched.yaml", func(s string) string { return strings.ReplaceAll(s, "shop-high", "wrong") })
	suite := `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: {name: mpol-wrong-patch}
policies: [policy.yaml]
resources: [pods.yaml]
results:
- {policy: shop/shop-priority, kind: Pod, resources: [shop/web], patchedResources: patched.yaml, result: pass, isMutatingPolicy: true}
`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kyverno-test.yaml"), []byte(suite), 0o600))
	var out bytes.Buffer
	code, err := Run(t.Context(), Options{Paths: []string{dir}, DetailedResults: true}, &out)
	require.NoError(t, err)
	assert.Equal(t, 1, code, out.String())
	assert.Contains(t, out.String(), `patched resource differs from patched.yaml: at /spec/priorityClassName got "shop-high", want "wrong"`)
}
