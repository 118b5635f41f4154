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

// The ValidatingAdmissionPolicy example of docs/validating-admission-policy.md: the binding's params cap replicas at 5.
func TestExampleAdmissionPolicy(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code, err := Run(t.Context(), Options{PolicyPaths: []string{"../../examples/vap/policy.yaml"},
		ResourcePaths: []string{"../../examples/vap/resources.yaml", "../../examples/vap/params.yaml"},
		ValuesFile:    "../../examples/vap/values.yaml", Output: "table"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout.String(), "max-replicas  max-replicas-test  Deployment/default/large  fail    replicas must be at most 5")
	assert.Contains(t, stdout.String(), "pass: 1, fail: 1")
}
