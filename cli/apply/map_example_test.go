package apply

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The examples of docs/mutating-admission-policy.md and docs/mutatingpolicy-mutate-existing.md.
func TestExampleMutatingAdmissionPolicyAndMutateExisting(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{name: "MutatingAdmissionPolicy with params", opts: Options{PolicyPaths: []string{"../../examples/map/policy.yaml"},
			ResourcePaths: []string{"../../examples/map/resources.yaml", "../../examples/map/params.yaml"},
			ValuesFile:    "../../examples/map/values.yaml", Output: "table"},
			want: []string{"cost-center  cost-center-test  Deployment/default/web  pass    mutated Deployment/web", "patched: Deployment/default/web by policy cost-center"}},
		{name: "mutateExisting MutatingPolicy", opts: Options{PolicyPaths: []string{"../../examples/mutateexisting/policy.yaml"},
			ResourcePaths: []string{"../../examples/mutateexisting/resources.yaml", "../../examples/mutateexisting/cluster.yaml"}, Output: "table"},
			want: []string{"sync-targets  sync-targets  ConfigMap/shop/trigger  pass    mutated 1 target(s)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code, err := Run(t.Context(), tt.opts, &stdout, &stderr)
			require.NoError(t, err, stderr.String())
			assert.Equal(t, 0, code, stdout.String())
			for _, w := range tt.want {
				assert.Contains(t, stdout.String(), w)
			}
		})
	}
}
