package generate_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// mpolStamp labels the ConfigMaps labelled stamp: <id> with the name of a trigger ConfigMap named "trigger".
const mpolStamp = `apiVersion: policies.kyverno.io/v1
kind: %[1]s
metadata: {name: stamp-%[2]s%[3]s}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
  matchConditions:
  - {name: trigger, expression: "object.metadata.name == 'trigger'"}
  targetMatchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [UPDATE], resources: [configmaps]}
    objectSelector: {matchLabels: {stamp: "%[2]s"}}
  evaluation:
    mutateExisting: {enabled: true}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'stamped-by': request.name}}}"
`

// The generate controller patches the targets of a mutateExisting MutatingPolicy, through engine.Mutate's
// PatchedTargets as for a ClusterPolicy's mutate.targets; a NamespacedMutatingPolicy only in its namespace.
func TestMutateExistingMutatingPolicy(t *testing.T) {
	tests := []struct {
		name       string
		namespaced bool
	}{
		{name: "MutatingPolicy patches targets in every namespace"},
		{name: "NamespacedMutatingPolicy patches targets of its own namespace only", namespaced: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			other := w.newNamespace(nil)
			lbl := map[string]string{"stamp": w.id}
			local := w.configMap(w.source, "target", lbl, map[string]string{"x": "1"})
			outside := w.configMap(other.Name, "target", lbl, nil)
			kind, ns := "MutatingPolicy", ""
			if tt.namespaced {
				kind, ns = "NamespacedMutatingPolicy", ", namespace: "+w.source
			}
			w.setPolicies(fmt.Sprintf(mpolStamp, kind, w.id, ns))
			w.start()
			w.admit(admissionv1.Create, w.configMap(w.source, "trigger", nil, nil))
			w.eventuallyObject(local, w.source, "target", func(c *assert.CollectT) {
				assert.Equal(c, "trigger", local.Labels["stamped-by"])
			})
			assert.Equal(t, map[string]string{"x": "1"}, local.Data)
			w.eventuallyNoRequests()
			require.NoError(t, w.client.Get(w.ctx, client.ObjectKey{Namespace: other.Name, Name: "target"}, outside))
			if tt.namespaced {
				assert.Empty(t, outside.Labels["stamped-by"], "never patched outside the policy's namespace")
				return
			}
			w.eventuallyObject(outside, other.Name, "target", func(c *assert.CollectT) {
				assert.Equal(c, "trigger", outside.Labels["stamped-by"])
			})
		})
	}
}
