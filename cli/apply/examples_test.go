package apply

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The shipped example policy covers every container list, ephemeral containers included (threat model T12).
func TestExampleDisallowPrivilegedCoversEphemeralContainers(t *testing.T) {
	var stdout, stderr bytes.Buffer
	_, err := Run(t.Context(), Options{PolicyPaths: []string{"../../examples/policies/disallow-privileged.yaml"},
		ResourcePaths: []string{"testdata/ephemeral/debug-pod.yaml"}, Output: "table"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Contains(t, stdout.String(), "fail: 1", stdout.String())
}
