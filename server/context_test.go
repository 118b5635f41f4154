package server

import (
	"context"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/clustercontext"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

// plane is the package's real API server, started by the first test that needs it.
var plane controlplane.Plane

func TestMain(m *testing.M) { os.Exit(plane.Run(m)) }

// caSecret stands for the webhook CA Secret in Bylaw's namespace, which Bylaw itself may read.
const caSecret = "bylaw-webhook-tls"

// With the repository's RBAC applied and `bylaw serve` running as its ServiceAccount, every apiCall of a policy,
// ClusterPolicy or Policy, goes out as bylaw-context: Secrets are forbidden, ConfigMaps and Pods are read.
func TestContextCallsImpersonateTheContextServiceAccount(t *testing.T) {
	ctx := context.Background()
	cfg := plane.Config(t)
	admin, err := client.New(cfg, client.Options{})
	require.NoError(t, err)
	require.NoError(t, controlplane.InstallRBAC(ctx, admin))
	team := seedTeam(t, admin)
	bylaw := serviceAccountConfig(t, cfg, admin, "bylaw")
	o := DefaultOptions()
	o.Namespace = controlplane.BylawNamespace
	loader, err := newContextLoader(bylaw, o, admin, admin)
	require.NoError(t, err)

	caPath := "/api/v1/namespaces/" + controlplane.BylawNamespace + "/secrets/" + caSecret
	t.Run("Bylaw's own identity could read the CA key", func(t *testing.T) {
		own, err := clustercontext.NewRESTClient(bylaw, types.NamespacedName{})
		require.NoError(t, err)
		_, err = (&clustercontext.Loader{REST: own}).Call(ctx, engine.APICall{URLPath: caPath})
		require.NoError(t, err, "the Forbidden below comes from the context identity, not from missing rights")
	})
	t.Run("Bylaw may impersonate no other ServiceAccount", func(t *testing.T) {
		other, err := clustercontext.NewRESTClient(bylaw, types.NamespacedName{Namespace: "kube-system", Name: "default"})
		require.NoError(t, err)
		_, err = (&clustercontext.Loader{REST: other}).Call(ctx, engine.APICall{URLPath: "/api/v1/namespaces/" + team + "/pods"})
		assert.True(t, apierrors.IsForbidden(err), "got %v", err)
	})

	forbidden := fmt.Sprintf(`User "system:serviceaccount:%s:bylaw-context" cannot`, controlplane.BylawNamespace)
	tests := []struct {
		name, kind, path, err string
	}{
		{name: "ClusterPolicy reads the CA Secret", kind: "ClusterPolicy", path: caPath,
			err: `secrets "` + caSecret + `" is forbidden: ` + forbidden + ` get resource "secrets"`},
		{name: "ClusterPolicy reads a team Secret", kind: "ClusterPolicy", path: "/api/v1/namespaces/" + team + "/secrets/db",
			err: forbidden + ` get resource "secrets"`},
		{name: "ClusterPolicy lists every Secret", kind: "ClusterPolicy", path: "/api/v1/secrets", err: forbidden + ` list resource "secrets"`},
		{name: "ClusterPolicy reads a ConfigMap", kind: "ClusterPolicy", path: "/api/v1/namespaces/" + team + "/configmaps/settings"},
		{name: "ClusterPolicy reads a Pod", kind: "ClusterPolicy", path: "/api/v1/namespaces/" + team + "/pods/web"},
		{name: "Policy reads a Secret of its namespace", kind: "Policy", path: "/api/v1/namespaces/" + team + "/secrets/db",
			err: forbidden + ` get resource "secrets"`},
		{name: "Policy reads a ConfigMap of its namespace", kind: "Policy", path: "/api/v1/namespaces/" + team + "/configmaps/settings"},
		{name: "Policy reads a Pod of its namespace", kind: "Policy", path: "/api/v1/namespaces/" + team + "/pods/web"},
	}
	eng := engine.New()
	in := engine.NewInput(engine.Request{Operation: engine.OperationCreate, Object: map[string]any{"apiVersion": "v1",
		"kind": "ConfigMap", "metadata": map[string]any{"name": "trigger", "namespace": team}}})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.NewLoader(eng).LoadBytes("p.yaml", []byte(readingPolicy(tt.kind, team, tt.path)))
			require.Empty(t, set.Errors)
			res := eng.Validate(ctx, set.Policies[0], in, engine.EvalOptions{Loader: loader})
			require.Len(t, res.Rules, 1)
			if tt.err == "" {
				assert.Equal(t, engine.StatusPass, res.Rules[0].Status, res.Rules[0].Message)
				return
			}
			assert.Equal(t, engine.StatusError, res.Rules[0].Status)
			assert.Contains(t, res.Rules[0].Message, tt.err)
		})
	}
}

// readingPolicy is a policy (a ClusterPolicy, or a Policy in namespace) whose rule reads path with an apiCall and
// passes when the call answers.
func readingPolicy(kind, namespace, path string) string {
	meta := fmt.Sprintf("{name: reader, namespace: %s}", namespace)
	if kind == "ClusterPolicy" {
		meta = "{name: reader}"
	}
	return fmt.Sprintf(`apiVersion: kyverno.io/v1
kind: %s
metadata: %s
spec:
  rules:
  - name: read
    match: {any: [{resources: {kinds: [ConfigMap]}}]}
    context:
    - name: got
      apiCall: {urlPath: %q}
    validate:
      deny:
        conditions:
          any:
          - {key: "{{ got.kind }}", operator: Equals, value: none}
`, kind, meta, path)
}

// seedTeam creates the CA Secret stand-in in Bylaw's namespace and a team namespace holding Secret db, ConfigMap
// settings and Pod web; it returns the team namespace.
func seedTeam(t *testing.T, c client.Client) string {
	t.Helper()
	ctx := context.Background()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "team-"}}
	require.NoError(t, c.Create(ctx, ns))
	for _, obj := range []client.Object{
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: caSecret, Namespace: controlplane.BylawNamespace},
			StringData: map[string]string{"ca.key": "secret"}},
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "db", Namespace: ns.Name}, StringData: map[string]string{"password": "secret"}},
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: ns.Name}, Data: map[string]string{"a": "b"}},
		&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: ns.Name},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "nginx"}}}},
	} {
		if err := c.Create(ctx, obj); !apierrors.IsAlreadyExists(err) {
			require.NoError(t, err)
		}
	}
	return ns.Name
}

// serviceAccountConfig returns a configuration that authenticates as ServiceAccount name in Bylaw's namespace,
// with a token from the TokenRequest API, as a pod running as it would.
func serviceAccountConfig(t *testing.T, cfg *rest.Config, c client.Client, name string) *rest.Config {
	t.Helper()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: controlplane.BylawNamespace}}
	tr := &authenticationv1.TokenRequest{}
	require.NoError(t, c.SubResource("token").Create(context.Background(), sa, tr))
	out := rest.AnonymousClientConfig(cfg)
	out.BearerToken = tr.Status.Token
	return out
}
