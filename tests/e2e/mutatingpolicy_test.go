package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// The MutatingPolicies of this file select the Pods of the mpol-e2e namespaces only.
const e2eMPolApply = `apiVersion: policies.kyverno.io/v1
kind: MutatingPolicy
metadata: {name: mpol-pod-defaults}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
    namespaceSelector:
      matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [mpol-e2e, mpol-e2e-other]}]
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: >-
        Object{
          metadata: Object.metadata{labels: {"defaults": "applied"}},
          spec: Object.spec{containers: object.spec.containers.map(c, Object.spec.containers{
            name: c.name, imagePullPolicy: "IfNotPresent"})}
        }
`

const e2eMPolJSONPatch = `apiVersion: policies.kyverno.io/v1
kind: MutatingPolicy
metadata: {name: mpol-owner-annotation}
spec:
  reinvocationPolicy: IfNeeded
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
    namespaceSelector:
      matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [mpol-e2e, mpol-e2e-other]}]
  mutations:
  - patchType: JSONPatch
    jsonPatch:
      expression: >-
        [has(object.metadata.annotations)
          ? JSONPatch{op: "add", path: "/metadata/annotations/" + jsonpatch.escapeKey("example.com/owner"), value: "platform"}
          : JSONPatch{op: "add", path: "/metadata/annotations", value: {"example.com/owner": "platform"}}]
`

const e2eNamespacedMPol = `apiVersion: policies.kyverno.io/v1
kind: NamespacedMutatingPolicy
metadata: {name: mpol-local-tier, namespace: mpol-e2e}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'tier': 'local'}}}"
`

// MutatingPolicies applied as objects patch Pods at admission, and the API server stores the patched Pod: an
// ApplyConfiguration (label, imagePullPolicy of each container), a JSONPatch (annotation with an escaped key), and a
// NamespacedMutatingPolicy that patches its own namespace only.
func TestMutatingPoliciesPatchAtAdmission(t *testing.T) {
	namespace(t, "mpol-e2e")
	namespace(t, "mpol-e2e-other")
	for _, doc := range []string{e2eMPolApply, e2eMPolJSONPatch, e2eNamespacedMPol} {
		applyYAML(t, doc)
		t.Cleanup(func() { deleteYAML(t, doc) })
	}
	eventually(t, admissionWait, "every MutatingPolicy patches at admission", func() error {
		p := pod("mpol-e2e", "probe", false, nil)
		if err := env.client.Create(context.Background(), p, client.DryRunAll); err != nil {
			return err
		}
		if p.Labels["defaults"] != "applied" || p.Labels["tier"] != "local" || p.Annotations["example.com/owner"] != "platform" {
			return fmt.Errorf("labels %v, annotations %v", p.Labels, p.Annotations)
		}
		return nil
	})

	ctx := context.Background()
	stored := storePod(t, pod("mpol-e2e", "web", false, map[string]string{"app": "web"}))
	assert.Equal(t, "applied", stored.Labels["defaults"], "ApplyConfiguration label")
	assert.Equal(t, "web", stored.Labels["app"], "the Pod's own labels are kept")
	assert.Equal(t, "local", stored.Labels["tier"], "the NamespacedMutatingPolicy patches its namespace")
	assert.Equal(t, corev1.PullIfNotPresent, stored.Spec.Containers[0].ImagePullPolicy, "containers merged by name")
	assert.Equal(t, "nginx:1.27", stored.Spec.Containers[0].Image)
	assert.Equal(t, "platform", stored.Annotations["example.com/owner"], "JSONPatch annotation")

	other := storePod(t, pod("mpol-e2e-other", "web", false, nil))
	assert.Equal(t, "applied", other.Labels["defaults"], "the cluster-wide policy patches the other namespace")
	assert.NotContains(t, other.Labels, "tier", "the NamespacedMutatingPolicy does not touch another namespace")

	outside := pod("default", "mpol-outside", false, nil)
	require.NoError(t, env.client.Create(ctx, outside, client.DryRunAll))
	assert.NotContains(t, outside.Labels, "defaults", "matchConstraints.namespaceSelector leaves other namespaces alone")
}

// storePod creates p for real, deletes it when the test ends, and returns the Pod as the API server stored it.
func storePod(t *testing.T, p *corev1.Pod) *corev1.Pod {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, env.client.Create(ctx, p))
	t.Cleanup(func() { _ = client.IgnoreNotFound(env.client.Delete(context.Background(), p)) })
	stored := &corev1.Pod{}
	require.NoError(t, env.client.Get(ctx, client.ObjectKeyFromObject(p), stored))
	return stored
}
