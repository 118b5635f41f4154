package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/http"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/resource"
)

// callLoader records API calls and answers with an object; image data in the ClusterPolicy shape.
type callLoader struct {
	Loader
	calls []APICall
}

func (l *callLoader) Call(_ context.Context, call APICall) (any, error) {
	l.calls = append(l.calls, call)
	return map[string]any{"kind": "x"}, nil
}

func (l *callLoader) ImageData(context.Context, string) (map[string]any, error) {
	return map[string]any{"configData": map[string]any{"created": "t"}, "manifestList": "idx"}, nil
}

func (l *callLoader) GlobalContext(context.Context, string) (any, error) { return "entry", nil }

func TestCELContextResourcePaths(t *testing.T) {
	tests := []struct {
		name string
		do   func(c celContext) error
		want APICall
	}{
		{"get core", func(c celContext) error {
			_, err := c.GetResource(context.Background(), resource.Query{APIVersion: "v1", Resource: "configmaps", Namespace: "ns", Name: "cm"})
			return err
		}, APICall{Method: "GET", URLPath: "/api/v1/namespaces/ns/configmaps/cm"}},
		{"get subresource of a group", func(c celContext) error {
			_, err := c.GetResource(context.Background(), resource.Query{APIVersion: "apps/v1", Resource: "deployments",
				Namespace: "ns", Name: "web", Subresources: []string{"scale"}})
			return err
		}, APICall{Method: "GET", URLPath: "/apis/apps/v1/namespaces/ns/deployments/web/scale"}},
		{"list cluster-wide with labels", func(c celContext) error {
			_, err := c.ListResources(context.Background(), resource.Query{APIVersion: "v1", Resource: "pods",
				Labels: map[string]string{"b": "2", "a": "1"}})
			return err
		}, APICall{Method: "GET", URLPath: "/api/v1/pods?labelSelector=a%3D1%2Cb%3D2"}},
		{"post", func(c celContext) error {
			_, err := c.PostResource(context.Background(), resource.Query{APIVersion: "authorization.k8s.io/v1",
				Resource: "subjectaccessreviews"}, map[string]any{"spec": "s"})
			return err
		}, APICall{Method: "POST", URLPath: "/apis/authorization.k8s.io/v1/subjectaccessreviews", Data: map[string]any{"spec": "s"}}},
		{"http post", func(c celContext) error {
			_, err := c.HTTPPost(context.Background(), http.Request{URL: "https://h/x", Body: map[string]any{"a": 1},
				Headers: map[string]string{"X": "y"}, CABundle: "pem"})
			return err
		}, APICall{Method: "POST", Data: map[string]any{"a": 1},
			Service: &ServiceCall{URL: "https://h/x", CABundle: "pem", Headers: map[string]string{"X": "y"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &callLoader{}
			c, ok := NewCELContext(l, "").(celContext)
			require.True(t, ok)
			require.NoError(t, tt.do(c))
			assert.Equal(t, []APICall{tt.want}, l.calls)
		})
	}
}

func TestCELContextConfinesNamespacedPolicies(t *testing.T) {
	l := &callLoader{}
	c := NewCELContext(l, "team-a")
	_, err := c.GetResource(context.Background(), resource.Query{APIVersion: "v1", Resource: "configmaps", Namespace: "team-a", Name: "cm"})
	require.NoError(t, err)
	_, err = c.GetResource(context.Background(), resource.Query{APIVersion: "v1", Resource: "secrets", Namespace: "other", Name: "s"})
	var outside *OutsideNamespaceError
	require.ErrorAs(t, err, &outside)
	_, err = c.PostResource(context.Background(), resource.Query{APIVersion: "v1", Resource: "configmaps", Namespace: "team-a"}, nil)
	require.ErrorAs(t, err, &outside, "a namespaced Policy may only GET")
	_, err = c.HTTPGet(context.Background(), http.Request{URL: "https://h/"})
	require.ErrorAs(t, err, &outside, "no service calls")
	assert.Len(t, l.calls, 1)
}

func TestCELContextDataShapes(t *testing.T) {
	c := NewCELContext(&callLoader{}, "")
	img, err := c.ImageData(context.Background(), "nginx")
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"created": "t"}, img["config"])
	assert.Equal(t, "idx", img["imageIndex"])
	v, err := c.GlobalContext(context.Background(), "e", "")
	require.NoError(t, err)
	assert.Equal(t, "entry", v)
	_, err = c.GlobalContext(context.Background(), "e", "p")
	assert.ErrorContains(t, err, "projections are not served")
	_, err = c.HTTPPost(context.Background(), http.Request{URL: "https://h/", Body: []any{1}})
	assert.EqualError(t, err, "the request body must be an object")
	assert.Nil(t, NewCELContext(nil, ""))
}
