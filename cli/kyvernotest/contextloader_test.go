package kyvernotest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

func TestContextLoader(t *testing.T) {
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "cm", "namespace": "ns"}, "data": map[string]any{"k": "v"}}
	defaultCM := map[string]any{"kind": "ConfigMap", "metadata": map[string]any{"name": "d"}}
	pod := map[string]any{"kind": "Pod", "metadata": map[string]any{"name": "cm", "namespace": "ns"}}
	ctxFile := &Context{Spec: ContextSpec{
		Resources: []map[string]any{{"kind": "ConfigMap", "metadata": map[string]any{"name": "from-context", "namespace": "x"}}},
		Images:    []ImageData{{Image: "nginx:1.27", ResolvedImage: "docker.io/library/nginx:1.27", Registry: "docker.io", Tag: "1.27", Config: map[string]any{"created": "now"}}},
	}}
	l := NewContextLoader([]map[string]any{pod, cm, defaultCM}, ctxFile)
	ctx := t.Context()

	got, err := l.ConfigMap(ctx, "ns", "cm")
	require.NoError(t, err)
	assert.Equal(t, cm, got)
	_, err = l.ConfigMap(ctx, "", "d")
	assert.NoError(t, err, "an empty namespace means default")
	_, err = l.ConfigMap(ctx, "x", "from-context")
	assert.NoError(t, err, "ConfigMaps of the context file are served")
	_, err = l.ConfigMap(ctx, "ns", "missing")
	assert.ErrorIs(t, err, ErrOffline)
	assert.ErrorContains(t, err, "ConfigMap ns/missing")

	img, err := l.ImageData(ctx, "docker.io/library/nginx:1.27")
	require.NoError(t, err)
	assert.Equal(t, "1.27", img["identifier"])
	assert.Equal(t, map[string]any{"created": "now"}, img["configData"])
	_, err = l.ImageData(ctx, "busybox")
	assert.ErrorIs(t, err, ErrOffline)

	got2, err := l.Call(ctx, engine.APICall{Method: "GET", URLPath: "/api/v1/namespaces/ns/configmaps/cm"})
	require.NoError(t, err, "API GETs are answered from the resources")
	assert.Equal(t, cm, got2)
	list, err := l.Call(ctx, engine.APICall{Method: "GET", URLPath: "/api/v1/namespaces/ns/configmaps"})
	require.NoError(t, err)
	assert.Len(t, list.(map[string]any)["items"], 1)
	list, err = l.Call(ctx, engine.APICall{Method: "GET", URLPath: "/api/v1/configmaps?labelSelector=app%3Dx"})
	require.NoError(t, err)
	assert.Empty(t, list.(map[string]any)["items"], "the label selector applies")
	_, err = l.Call(ctx, engine.APICall{Method: "GET", URLPath: "/api/v1/namespaces/ns/configmaps/missing"})
	assert.ErrorIs(t, err, ErrOffline)
	assert.ErrorContains(t, err, "/api/v1/namespaces/ns/configmaps/missing")
	_, err = l.Call(ctx, engine.APICall{Method: "GET", URLPath: "/metrics"})
	assert.ErrorContains(t, err, "not a Kubernetes API path")
	_, err = l.Call(ctx, engine.APICall{Method: "POST", URLPath: "/api/v1/namespaces/ns/configmaps"})
	assert.ErrorIs(t, err, ErrOffline)
	_, err = l.Call(ctx, engine.APICall{Method: "GET", Service: &engine.ServiceCall{URL: "https://x"}})
	assert.ErrorIs(t, err, ErrOffline)
	_, err = l.GlobalContext(ctx, "g")
	assert.ErrorIs(t, err, ErrOffline)
}
