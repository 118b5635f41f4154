package apply

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// The MutatingPolicy example of docs/mutatingpolicy.md: the results the page shows, and the patched Pods written to
// --output-dir with every policy's mutation applied in turn.
func TestExampleMutatingPolicy(t *testing.T) {
	var stdout, stderr bytes.Buffer
	dir := t.TempDir()
	code, err := Run(t.Context(), Options{PolicyPaths: []string{"../../examples/mutatingpolicy/policies"},
		ResourcePaths: []string{"../../examples/mutatingpolicy/pods.yaml"}, Output: "table", OutputDir: dir}, &stdout, &stderr)
	require.NoError(t, err, stderr.String())
	assert.Equal(t, 0, code)
	out := stdout.String()
	assert.Contains(t, out, "shop/shop-priority  shop-priority    Pod/shop/web    pass    mutated Pod/web")
	assert.Contains(t, out, "patched: Pod/jobs/batch by policies pod-defaults, spot-toleration")
	assert.Contains(t, out, "pass: 4, fail: 0, warn: 0, error: 0, skip: 0")

	data, err := os.ReadFile(filepath.Join(dir, "pod-shop-web.yaml"))
	require.NoError(t, err)
	var web struct {
		Metadata struct{ Labels map[string]string }
		Spec     struct {
			PriorityClassName string `json:"priorityClassName"`
			Containers        []struct {
				Name            string
				ImagePullPolicy string `json:"imagePullPolicy"`
				SecurityContext struct {
					AllowPrivilegeEscalation *bool `json:"allowPrivilegeEscalation"`
				} `json:"securityContext"`
			}
		}
	}
	require.NoError(t, yaml.Unmarshal(data, &web))
	assert.Equal(t, "shop-high", web.Spec.PriorityClassName, "the NamespacedMutatingPolicy patched its own namespace")
	assert.Equal(t, map[string]string{"team": "checkout"}, web.Metadata.Labels)
	require.Len(t, web.Spec.Containers, 2)
	assert.Equal(t, "IfNotPresent", web.Spec.Containers[0].ImagePullPolicy, "defaulted")
	assert.Equal(t, "Always", web.Spec.Containers[1].ImagePullPolicy, "kept: containers merge by name")
	require.NotNil(t, web.Spec.Containers[1].SecurityContext.AllowPrivilegeEscalation)

	data, err = os.ReadFile(filepath.Join(dir, "pod-jobs-batch.yaml"))
	require.NoError(t, err)
	assert.NotContains(t, string(data), "shop-high", "the NamespacedMutatingPolicy left another namespace alone")
	assert.Contains(t, string(data), "example.com/capacity: spot")
}
