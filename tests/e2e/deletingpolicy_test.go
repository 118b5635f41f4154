package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

// cleanupWait covers a whole minute of the `*/1 * * * *` schedule plus the run itself.
const cleanupWait = 100 * time.Second

const e2eDPol = `apiVersion: policies.kyverno.io/v1
kind: DeletingPolicy
metadata: {name: dpol-expired}
spec:
  schedule: "*/1 * * * *"
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods]}
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: dpol-e2e}}
  conditions:
  - name: expired
    expression: "object.metadata.?labels[?'expired'].orValue('') == 'yes'"
`

const e2eNamespacedDPol = `apiVersion: policies.kyverno.io/v1
kind: NamespacedDeletingPolicy
metadata: {name: dpol-local, namespace: dpol-tenant}
spec:
  schedule: "*/1 * * * *"
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods]}
  conditions:
  - name: expired
    expression: "object.metadata.?labels[?'expired'].orValue('') == 'yes'"
`

// A DeletingPolicy with a one-minute schedule deletes exactly the Pods it selects and whose condition holds; a
// NamespacedDeletingPolicy whose condition holds for Pods of other namespaces deletes only in its own. Both get
// status.lastExecutionTime.
func TestDeletingPoliciesInTheCluster(t *testing.T) {
	for _, ns := range []string{"dpol-e2e", "dpol-tenant", "dpol-other"} {
		namespace(t, ns)
	}
	expired := map[string]string{"expired": "yes"}
	pods := []*corev1.Pod{
		pod("dpol-e2e", "old", false, expired),
		pod("dpol-e2e", "young", false, map[string]string{"expired": "no"}),
		pod("dpol-tenant", "old", false, expired),
		pod("dpol-other", "old", false, expired),
		pod(bylawNamespace, "dpol-old", false, expired),
	}
	ctx := context.Background()
	for _, p := range pods {
		require.NoError(t, env.client.Create(ctx, p))
		t.Cleanup(func() { _ = env.client.Delete(context.Background(), p) })
	}
	for _, doc := range []string{e2eDPol, e2eNamespacedDPol} {
		applyYAML(t, doc)
		t.Cleanup(func() { deleteYAML(t, doc) })
	}
	dp, ndp := &policiesv1.DeletingPolicy{}, &policiesv1.NamespacedDeletingPolicy{}
	took := eventually(t, cleanupWait, "both policies ran", func() error {
		if err := env.client.Get(ctx, client.ObjectKey{Name: "dpol-expired"}, dp); err != nil {
			return err
		}
		if err := env.client.Get(ctx, client.ObjectKey{Namespace: "dpol-tenant", Name: "dpol-local"}, ndp); err != nil {
			return err
		}
		if dp.Status.LastExecutionTime.IsZero() || ndp.Status.LastExecutionTime.IsZero() {
			return errors.New("no lastExecutionTime yet")
		}
		return nil
	})
	t.Logf("the policies ran %s after they were applied", took)
	assert.Equal(t, []string{bylawNamespace + "/dpol-old", "dpol-e2e/young", "dpol-other/old"}, livePods(t, pods))
}

// livePods returns which of pods still exist and are not being deleted, as namespace/name.
func livePods(t *testing.T, pods []*corev1.Pod) []string {
	t.Helper()
	var out []string
	for _, p := range pods {
		var got corev1.Pod
		err := env.client.Get(context.Background(), client.ObjectKeyFromObject(p), &got)
		if err == nil && got.DeletionTimestamp.IsZero() {
			out = append(out, fmt.Sprintf("%s/%s", p.Namespace, p.Name))
		}
	}
	slices.Sort(out)
	return out
}
