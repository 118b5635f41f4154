package resource

import (
	"context"
	"errors"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

// fakeClient records the last query and answers with it.
type fakeClient struct {
	last Query
	body map[string]any
	err  error
}

func (f *fakeClient) answer(verb string, q Query) (map[string]any, error) {
	f.last = q
	if f.err != nil {
		return nil, f.err
	}
	return map[string]any{"verb": verb, "namespace": q.Namespace, "name": q.Name, "resource": q.Resource,
		"items": []any{map[string]any{"metadata": map[string]any{"name": "a"}}}}, nil
}

func (f *fakeClient) GetResource(_ context.Context, q Query) (map[string]any, error) {
	return f.answer("get", q)
}

func (f *fakeClient) ListResources(_ context.Context, q Query) (map[string]any, error) {
	return f.answer("list", q)
}

func (f *fakeClient) PostResource(_ context.Context, q Query, data map[string]any) (map[string]any, error) {
	f.body = data
	return f.answer("post", q)
}

func TestResourceCluster(t *testing.T) {
	env := libtest.Env(t, Lib(false))
	tests := []struct {
		expr string
		want any
		q    Query
	}{
		{`resource.Get("v1", "configmaps", "default", "allowed")`, "get",
			Query{APIVersion: "v1", Resource: "configmaps", Namespace: "default", Name: "allowed"}},
		{`resource.Get("apps/v1", "deployments", "ns", "web", ["scale"]).verb`, "get",
			Query{APIVersion: "apps/v1", Resource: "deployments", Namespace: "ns", Name: "web", Subresources: []string{"scale"}}},
		{`resource.Get("v1", "namespaces", "", "kube-system").name`, "kube-system",
			Query{APIVersion: "v1", Resource: "namespaces", Name: "kube-system"}},
		{`resource.List("v1", "pods", "ns").items[0].metadata.name`, "a",
			Query{APIVersion: "v1", Resource: "pods", Namespace: "ns"}},
		{`resource.List("v1", "pods", "", {"app": "web"}).verb`, "list",
			Query{APIVersion: "v1", Resource: "pods", Labels: map[string]string{"app": "web"}}},
		{`resource.Post("authorization.k8s.io/v1", "subjectaccessreviews", {"spec": {"user": "u"}}).verb`, "post",
			Query{APIVersion: "authorization.k8s.io/v1", Resource: "subjectaccessreviews"}},
		{`resource.Post("v1", "configmaps", "ns", {"data": {"k": "v"}}).namespace`, "ns",
			Query{APIVersion: "v1", Resource: "configmaps", Namespace: "ns"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			c := &fakeClient{}
			res := libtest.Eval(t, env, tt.expr, map[string]any{Name: Value(context.Background(), c, "")})
			got := res.Native(t)
			if m, ok := got.(map[string]any); ok {
				got = m["verb"]
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.q, c.last)
		})
	}
}

func TestResourcePostSendsTheObject(t *testing.T) {
	env := libtest.Env(t, Lib(false))
	c := &fakeClient{}
	res := libtest.Eval(t, env, `resource.Post("v1", "configmaps", "ns", {"data": {"k": "v"}, "n": 1})`,
		map[string]any{Name: Value(context.Background(), c, "")})
	require.NoError(t, res.Err)
	assert.Equal(t, map[string]any{"data": map[string]any{"k": "v"}, "n": int64(1)}, c.body)
}

func TestResourceNamespaced(t *testing.T) {
	env := libtest.Env(t, Lib(true))
	tests := []struct {
		expr string
		q    Query
	}{
		{`resource.Get("v1", "configmaps", "cm")`, Query{APIVersion: "v1", Resource: "configmaps", Namespace: "team-a", Name: "cm"}},
		{`resource.Get("v1", "configmaps", "cm", ["status"])`,
			Query{APIVersion: "v1", Resource: "configmaps", Namespace: "team-a", Name: "cm", Subresources: []string{"status"}}},
		{`resource.List("v1", "pods")`, Query{APIVersion: "v1", Resource: "pods", Namespace: "team-a"}},
		{`resource.List("v1", "pods", {"a": "b"})`,
			Query{APIVersion: "v1", Resource: "pods", Namespace: "team-a", Labels: map[string]string{"a": "b"}}},
		{`resource.Post("v1", "configmaps", {"data": {}})`, Query{APIVersion: "v1", Resource: "configmaps", Namespace: "team-a"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			c := &fakeClient{}
			res := libtest.Eval(t, env, tt.expr, map[string]any{Name: Value(context.Background(), c, "team-a")})
			require.NoError(t, res.Err)
			assert.Equal(t, tt.q, c.last)
		})
	}
	// The cluster-wide signatures, which name a namespace, do not exist for a namespaced policy.
	for _, expr := range []string{
		`resource.Get("v1", "configmaps", "other", "cm")`,
		`resource.List("v1", "pods", "other")`,
		`resource.Post("v1", "configmaps", "other", {})`,
	} {
		assert.Contains(t, libtest.CompileError(env, expr), "found no matching overload", expr)
	}
}

func TestResourceErrors(t *testing.T) {
	cluster, namespaced := libtest.Env(t, Lib(false)), libtest.Env(t, Lib(true))
	failing := &fakeClient{err: errors.New("configmaps \"x\" not found")}
	tests := []struct {
		name   string
		env    *cel.Env
		expr   string
		client Client
		ns     string
		err    string
	}{
		{"no client bound", cluster, `resource.Get("v1", "configmaps", "ns", "x")`, nil, "",
			"failed to get resource: no source of outside data is bound"},
		{"no client bound, list", namespaced, `resource.List("v1", "pods")`, nil, "team-a", "failed to list resource: no source"},
		{"client error", cluster, `resource.Get("v1", "configmaps", "ns", "x")`, failing, "",
			`failed to get resource: configmaps "x" not found`},
		{"path in name", cluster, `resource.Get("v1", "configmaps", "ns", "../secrets/x")`, &fakeClient{}, "",
			`invalid name "../secrets/x"`},
		{"empty name", cluster, `resource.Get("v1", "configmaps", "ns", "")`, &fakeClient{}, "", `invalid name ""`},
		{"query in resource", cluster, `resource.List("v1", "pods?watch=1", "ns")`, &fakeClient{}, "", "invalid resource"},
		{"bad apiVersion", cluster, `resource.List("a/b/c", "pods", "ns")`, &fakeClient{}, "", `invalid apiVersion "a/b/c"`},
		{"bad subresource", namespaced, `resource.Get("v1", "pods", "p", [".."])`, &fakeClient{}, "team-a", "invalid subresource"},
		{"cluster call bound to a namespace", cluster, `resource.Get("v1", "configmaps", "other", "x")`, &fakeClient{}, "team-a",
			`namespace "other" is outside the policy's namespace "team-a"`},
		{"post with bytes (sent as base64)", cluster, `resource.Post("v1", "configmaps", {"a": dyn(b"x")}).verb`, &fakeClient{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := libtest.Eval(t, tt.env, tt.expr, map[string]any{Name: Value(context.Background(), tt.client, tt.ns)})
			if tt.err == "" {
				require.NoError(t, res.Err) // bytes are sent as base64
				return
			}
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.err)
		})
	}
	for _, expr := range []string{`resource.Get("v1", "configmaps", "ns")`, `resource.Get(1, "a", "b", "c")`,
		`resource.List("v1", "pods", "ns", {"a": 1})`, `resource.Post("v1", "configmaps", "ns", "x")`} {
		assert.Contains(t, libtest.CompileError(cluster, expr), "found no matching overload", expr)
	}
}

func TestResourceCallCost(t *testing.T) {
	env := libtest.Env(t, Lib(false))
	res := libtest.Eval(t, env, `[1, 2, 3].all(i, resource.Get("v1", "configmaps", "ns", "x").verb == "get")`,
		map[string]any{Name: Value(context.Background(), &fakeClient{}, "")})
	require.NoError(t, res.Err)
	assert.GreaterOrEqual(t, res.Cost, uint64(30000), "each call costs lib.ExternalCall")
}
