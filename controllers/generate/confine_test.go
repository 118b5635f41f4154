package generate_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// A namespaced Policy whose generated object lands outside its namespace reaches the controller only when the
// engine cannot tell at load (a namespace written with variables, a cluster-scoped kind): the request fails with
// the reason in its status, and nothing is created.
func TestNamespacedPolicyGeneratesOnlyInItsNamespace(t *testing.T) {
	e := newEnv(t)
	home, other := e.newNamespace(nil), e.newNamespace(nil)
	id := rand.String(6)
	tests := []struct {
		name, target string
		created      client.Object // what must not appear
		key          client.ObjectKey
		err          string
	}{
		{name: "a namespace resolved elsewhere",
			target:  `{apiVersion: v1, kind: ConfigMap, name: copy-` + id + `, namespace: "{{request.object.metadata.labels.to}}", data: {data: {a: b}}}`,
			created: &corev1.ConfigMap{}, key: client.ObjectKey{Namespace: other.Name, Name: "copy-" + id},
			err: fmt.Sprintf(`generate.namespace: %q is outside the Policy's namespace %q`, other.Name, home.Name)},
		{name: "a cluster-scoped kind written with the Policy's namespace",
			target:  `{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: escalate-` + id + `, namespace: ` + home.Name + `, data: {rules: []}}`,
			created: &rbacv1.ClusterRole{}, key: client.ObjectKey{Name: "escalate-" + id},
			err: fmt.Sprintf(`ClusterRole escalate-%s is cluster-scoped: generate.namespace: empty (a cluster-scoped object, or every namespace) is outside the Policy's namespace %q`, id, home.Name)},
	}
	for i, tt := range tests {
		policyName := fmt.Sprintf("confined-%d", i)
		e.setPolicies(fmt.Sprintf(`apiVersion: bylaw.dev/v1alpha1
kind: Policy
metadata: {name: %s, namespace: %s}
spec:
  rules:
  - name: gen
    match: {any: [{resources: {kinds: [ConfigMap], names: [trigger-%d]}}]}
    generate: %s
`, policyName, home.Name, i, tt.target))
		if i == 0 {
			e.start()
		}
		t.Run(tt.name, func(t *testing.T) {
			cm := e.configMap(home.Name, fmt.Sprintf("trigger-%d", i), map[string]string{"to": other.Name}, nil)
			e.admit(admissionv1.Create, cm)
			require.EventuallyWithT(t, func(c *assert.CollectT) {
				reqs := e.requests()
				if assert.Len(c, reqs, 1) {
					assert.Equal(c, home.Name+"/"+policyName, reqs[0].Spec.Policy)
					assert.Contains(c, reqs[0].Status.LastError, tt.err)
				}
			}, wait, 100*time.Millisecond)
			err := e.client.Get(e.ctx, tt.key, tt.created)
			assert.True(t, apierrors.IsNotFound(err), "created outside the Policy's namespace: %v", err)
			require.NoError(t, e.client.DeleteAllOf(e.ctx, &v1alpha1.GenerateRequest{}, client.InNamespace(e.namespace)))
		})
	}
}
