package kyvernotest

import (
	"bytes"
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
	var out bytes.Buffer
	code, err := Run(t.Context(), Options{Paths: []string{"testdata/mpol-wrong"}, DetailedResults: true}, &out)
	require.NoError(t, err)
	assert.Equal(t, 1, code, out.String())
	assert.Contains(t, out.String(), `patched resource differs from patched.yaml: at /spec/priorityClassName got "shop-high", want "wrong"`)
}
