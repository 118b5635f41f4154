package apply

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The DeletingPolicy example of docs/deletingpolicy.md: apply shows which Pods the policy would delete, and a
// deleting policy never makes it exit with ExitEnforced.
func TestExampleDeletingPolicy(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code, err := Run(t.Context(), Options{PolicyPaths: []string{"../../examples/deletingpolicy/policy.yaml"},
		ResourcePaths: []string{"../../examples/deletingpolicy/resources.yaml"}, Output: "table"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Equal(t, 0, code)
	out := stdout.String()
	for _, want := range []string{
		"Pod/default/expired     pass    resource matched",
		"Pod/default/current     fail    resource did not match: condition expired is false",
		"pass: 1, fail: 2, warn: 0, error: 0, skip: 0",
	} {
		assert.Contains(t, out, want)
	}
}
