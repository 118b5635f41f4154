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

// The ValidatingPolicy example of docs/validatingpolicy.md gives the results the page shows.
func TestExampleValidatingPolicy(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code, err := Run(t.Context(), Options{PolicyPaths: []string{"../../examples/validatingpolicy/policies.yaml"},
		ResourcePaths: []string{"../../examples/validatingpolicy/pods.yaml"}, Output: "table"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Equal(t, ExitEnforced, code)
	out := stdout.String()
	assert.Contains(t, out, "images must name a tag other than latest: nginx:latest")
	assert.Contains(t, out, "rule is skipped due to policy exception sandbox/allow-sandbox")
	assert.Contains(t, out, "pass: 1, fail: 1, warn: 0, error: 0, skip: 1")
}

// The JSON-mode example of docs/validatingpolicy.md: payloads are validated by JSON-mode policies only, and
// Kubernetes-mode policies leave them alone.
func TestExampleJSONPayloads(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code, err := Run(t.Context(), Options{
		PolicyPaths: []string{"../../examples/validatingpolicy/json/policy.yaml", "../../examples/validatingpolicy/policies.yaml"},
		JSONPaths:   []string{"../../examples/validatingpolicy/json/plans.yaml"}, Output: "table"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Equal(t, ExitEnforced, code)
	out := stdout.String()
	assert.Contains(t, out, "JSON/../../examples/validatingpolicy/json/plans.yaml#1")
	assert.Contains(t, out, "instances must be t3.micro or t3.small, got m5.4xlarge")
	assert.NotContains(t, out, "disallow-latest-tag")
	assert.Contains(t, out, "pass: 1, fail: 1, warn: 0, error: 0, skip: 0")
}
