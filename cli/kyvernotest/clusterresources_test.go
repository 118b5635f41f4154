package kyvernotest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A test's clusterResources are served to context lookups and are not scored as resources.
func TestClusterResourcesServeContext(t *testing.T) {
	files := map[string]string{
		DefaultFileName: `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: {name: cluster-resources}
policies: [p.yaml]
resources: [r.yaml]
clusterResources: [cluster.yaml]
results:
- {policy: team-from-configmap, rule: check, kind: Pod, resources: [a], result: pass}
- {policy: team-from-configmap, rule: check, kind: Pod, resources: [b], result: fail}
`,
		"p.yaml": `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: team-from-configmap, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  rules:
  - name: check
    match: {any: [{resources: {kinds: [Pod]}}]}
    context:
    - name: teams
      configMap: {name: teams, namespace: default}
    validate:
      message: unknown team
      deny:
        conditions:
          any:
          - key: "{{ request.object.metadata.labels.team }}"
            operator: AnyNotIn
            value: "{{ teams.data.allowed | split(@, ',') }}"
`,
		"r.yaml": `apiVersion: v1
kind: Pod
metadata: {name: a, labels: {team: red}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, labels: {team: green}}
spec: {containers: [{name: c, image: x}]}
`,
		"cluster.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: teams, namespace: default}
data: {allowed: "red,blue"}
`,
	}
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
	}
	var stdout bytes.Buffer
	code, err := Run(t.Context(), Options{Paths: []string{dir}}, &stdout)
	require.NoError(t, err)
	assert.Equal(t, 0, code, stdout.String())
	assert.Contains(t, stdout.String(), "2 passed, 0 failed, 0 skipped")
}
