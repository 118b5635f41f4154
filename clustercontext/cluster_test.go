package clustercontext_test

import (
	"context"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/bylaw-dev/bylaw/clustercontext"
	"github.com/bylaw-dev/bylaw/engine"
)

// seed creates ConfigMaps and a Secret in ns: app=web on "web" and "web-2", app=db on "db", app=web on Secret "web".
func seed(t *testing.T, c cluster) {
	t.Helper()
	ctx := context.Background()
	for name, app := range map[string]string{"web": "web", "web-2": "web", "db": "db"} {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: c.namespace, Labels: map[string]string{"app": app}},
			Data: map[string]string{"tier": app}}
		require.NoError(t, c.client.Create(ctx, cm))
	}
	secret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: c.namespace, Labels: map[string]string{"app": "web"}},
		StringData: map[string]string{"k": "v"}}
	require.NoError(t, c.client.Create(ctx, secret))
}

func TestClusterConfigMap(t *testing.T) {
	c := apiServer(t)
	seed(t, c)
	l := &clustercontext.Loader{Cache: c.client}
	got, err := l.ConfigMap(context.Background(), c.namespace, "db")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"tier": "db"}, got["data"])
	assert.Equal(t, "db", nested(t, got, "metadata", "name"))

	_, err = l.ConfigMap(context.Background(), c.namespace, "missing")
	assert.True(t, apierrors.IsNotFound(err), "not found, got %v", err)
	assert.ErrorContains(t, err, "configMap "+c.namespace+"/missing")
}

func TestClusterAPICall(t *testing.T) {
	c := apiServer(t)
	seed(t, c)
	ssar := map[string]any{"apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
		"spec": map[string]any{"resourceAttributes": map[string]any{"verb": "get", "resource": "configmaps", "namespace": c.namespace}}}
	tests := []struct {
		name     string
		call     engine.APICall
		maxBytes int64
		check    func(t *testing.T, got map[string]any)
		wantErr  string
		notFound bool
	}{
		{name: "GET an object", call: engine.APICall{URLPath: "/api/v1/namespaces/default"},
			check: func(t *testing.T, got map[string]any) {
				assert.Equal(t, "Namespace", got["kind"])
				assert.Equal(t, "default", nested(t, got, "metadata", "name"))
			}},
		{name: "GET a list", call: engine.APICall{Method: "GET", URLPath: "/api/v1/namespaces/" + c.namespace + "/configmaps"},
			check: func(t *testing.T, got map[string]any) {
				assert.Equal(t, "ConfigMapList", got["kind"])
				items, _ := got["items"].([]any)
				assert.Len(t, items, 3, "web, web-2, db (envtest runs no controller that adds kube-root-ca.crt)")
			}},
		{name: "GET another API group through the core REST client", call: engine.APICall{URLPath: "/apis/apps/v1/namespaces/" + c.namespace + "/deployments"},
			check: func(t *testing.T, got map[string]any) { assert.Equal(t, "DeploymentList", got["kind"]) }},
		{name: "GET a missing path", call: engine.APICall{URLPath: "/api/v1/namespaces/default/configmaps/missing"},
			wantErr: "apiCall GET /api/v1/namespaces/default/configmaps/missing", notFound: true},
		{name: "POST with data", call: engine.APICall{Method: "POST", URLPath: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", Data: ssar},
			check: func(t *testing.T, got map[string]any) {
				assert.Equal(t, "SelfSubjectAccessReview", got["kind"])
				assert.Equal(t, true, nested(t, got, "status", "allowed"))
				assert.Equal(t, c.namespace, nested(t, got, "spec", "resourceAttributes", "namespace"))
			}},
		{name: "POST without data is refused by the server", call: engine.APICall{Method: "POST", URLPath: "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"},
			wantErr: "apiCall POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews"},
		{name: "response over the limit", maxBytes: 64, call: engine.APICall{URLPath: "/api/v1/namespaces/default"},
			wantErr: "apiCall GET /api/v1/namespaces/default: response larger than 64 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &clustercontext.Loader{REST: c.rest, MaxResponseBytes: tt.maxBytes}
			got, err := l.Call(context.Background(), tt.call)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.ErrorContains(t, err, tt.wantErr)
				assert.Equal(t, tt.notFound, apierrors.IsNotFound(err), "not found: %v", err)
				return
			}
			require.NoError(t, err)
			obj, ok := got.(map[string]any)
			require.True(t, ok, "response is %T", got)
			tt.check(t, obj)
		})
	}
}

func TestClusterResource(t *testing.T) {
	c := apiServer(t)
	seed(t, c)
	l := &clustercontext.Loader{Reader: c.client}
	tests := []struct {
		name     string
		q        engine.ResourceQuery
		wantKind string
		notFound bool
	}{
		{name: "ConfigMap", q: engine.ResourceQuery{APIVersion: "v1", Kind: "ConfigMap", Namespace: c.namespace, Name: "web"}, wantKind: "ConfigMap"},
		{name: "Secret", q: engine.ResourceQuery{APIVersion: "v1", Kind: "Secret", Namespace: c.namespace, Name: "web"}, wantKind: "Secret"},
		{name: "cluster-scoped", q: engine.ResourceQuery{APIVersion: "v1", Kind: "Namespace", Name: c.namespace}, wantKind: "Namespace"},
		{name: "missing", q: engine.ResourceQuery{APIVersion: "v1", Kind: "ConfigMap", Namespace: c.namespace, Name: "missing"}, notFound: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := l.Resource(context.Background(), tt.q)
			if tt.notFound {
				assert.True(t, apierrors.IsNotFound(err), "not found, got %v", err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantKind, got["kind"])
			assert.Equal(t, tt.q.Name, nested(t, got, "metadata", "name"))
		})
	}
}

func TestClusterList(t *testing.T) {
	c := apiServer(t)
	seed(t, c)
	l := &clustercontext.Loader{Reader: c.client}
	web := &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}
	tests := []struct {
		name    string
		q       engine.ResourceQuery
		want    []string // kind/name, sorted
		wantErr string
	}{
		{name: "v1/ConfigMap with a selector", q: engine.ResourceQuery{Kinds: []string{"v1/ConfigMap"}, Selector: web},
			want: []string{"ConfigMap/web", "ConfigMap/web-2"}},
		{name: "bare kind with the query's apiVersion", q: engine.ResourceQuery{APIVersion: "v1", Kinds: []string{"ConfigMap"},
			Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: metav1.LabelSelectorOpIn, Values: []string{"db"}}}}},
			want: []string{"ConfigMap/db"}},
		{name: "several kinds", q: engine.ResourceQuery{Kinds: []string{"v1/ConfigMap", "v1/Secret"}, Selector: web},
			want: []string{"ConfigMap/web", "ConfigMap/web-2", "Secret/web"}},
		{name: "group kind, none present", q: engine.ResourceQuery{Kinds: []string{"apps/v1/Deployment"}, Selector: web}},
		{name: "no selector lists all", q: engine.ResourceQuery{Kinds: []string{"v1/Secret"}}, want: []string{"Secret/web"}},
		{name: "invalid selector", q: engine.ResourceQuery{Kinds: []string{"v1/ConfigMap"},
			Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "app", Operator: "Near"}}}},
			wantErr: "cloneList selector"},
		{name: "unknown kind", q: engine.ResourceQuery{Kinds: []string{"v1/Nothing"}}, wantErr: "listing Nothing in "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Namespace = c.namespace
			got, err := l.List(context.Background(), tt.q)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			names := []string{}
			for _, obj := range got {
				u := unstructured.Unstructured{Object: obj}
				assert.Equal(t, c.namespace, u.GetNamespace())
				names = append(names, u.GetKind()+"/"+u.GetName())
			}
			sort.Strings(names)
			if tt.want == nil {
				tt.want = []string{}
			}
			assert.Equal(t, tt.want, names)
		})
	}
}

func nested(t *testing.T, obj map[string]any, fields ...string) any {
	t.Helper()
	v, found, err := unstructured.NestedFieldNoCopy(obj, fields...)
	require.NoError(t, err)
	require.True(t, found, "no field %v", fields)
	return v
}
