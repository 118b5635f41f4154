package apply

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The GeneratingPolicy example of docs/generatingpolicy.md gives the results and generated objects the page shows.
func TestExampleGeneratingPolicy(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code, err := Run(t.Context(), Options{PolicyPaths: []string{"../../examples/generatingpolicy/policy.yaml"},
		ResourcePaths: []string{"../../examples/generatingpolicy/resources.yaml"}, Output: "table"}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Equal(t, 0, code)
	out := stdout.String()
	for _, want := range []string{
		"default-deny  default-deny  Namespace/shop  pass    generated 1 object(s)",
		"generated: NetworkPolicy/shop/default-deny by policy default-deny rule default-deny",
		"generated: ResourceQuota/shop/payments-quota by policy team-quota rule team-quota",
		"pass: 2, fail: 0, warn: 0, error: 0, skip: 0",
	} {
		assert.Contains(t, out, want)
	}
}
