package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/http"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/resource"
)

// celContext serves the Kyverno CEL libraries from a Loader: resources through Kubernetes API paths, http through
// service calls, global context entries and image data as they are.
type celContext struct{ loader Loader }

var _ cel.Context = celContext{}

// NewCELContext adapts l for Input.Context of the CEL libraries. For a namespaced policy (policyNamespace not
// empty) every read goes through the same confinement as the policy's other context reads (confine.go): only GETs
// of API paths of its namespace, no service calls.
func NewCELContext(l Loader, policyNamespace string) cel.Context {
	if l == nil {
		return nil
	}
	if policyNamespace != "" {
		l = confinedLoader{namespace: policyNamespace, next: l}
	}
	return celContext{loader: l}
}

// apiPath is the Kubernetes API path of q.
func apiPath(q resource.Query) string {
	var b strings.Builder
	if strings.Contains(q.APIVersion, "/") {
		b.WriteString("/apis/" + q.APIVersion)
	} else {
		b.WriteString("/api/" + q.APIVersion)
	}
	if q.Namespace != "" {
		b.WriteString("/namespaces/" + q.Namespace)
	}
	b.WriteString("/" + q.Resource)
	for _, s := range append([]string{q.Name}, q.Subresources...) {
		if s != "" {
			b.WriteString("/" + s)
		}
	}
	if len(q.Labels) > 0 {
		sel := make([]string, 0, len(q.Labels))
		for _, k := range slices.Sorted(maps.Keys(q.Labels)) {
			sel = append(sel, k+"="+q.Labels[k])
		}
		b.WriteString("?labelSelector=" + url.QueryEscape(strings.Join(sel, ",")))
	}
	return b.String()
}

func (c celContext) object(ctx context.Context, call APICall) (map[string]any, error) {
	out, err := c.loader.Call(ctx, call)
	if err != nil {
		return nil, err
	}
	m, ok := out.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s %s: the answer is not an object", call.Method, call.URLPath)
	}
	return m, nil
}

// GetResource implements resource.Client with a GET of the object's API path.
func (c celContext) GetResource(ctx context.Context, q resource.Query) (map[string]any, error) {
	return c.object(ctx, APICall{Method: "GET", URLPath: apiPath(q)})
}

// ListResources implements resource.Client with a GET of the collection's API path.
func (c celContext) ListResources(ctx context.Context, q resource.Query) (map[string]any, error) {
	return c.object(ctx, APICall{Method: "GET", URLPath: apiPath(q)})
}

// PostResource implements resource.Client with a POST to the collection's API path.
func (c celContext) PostResource(ctx context.Context, q resource.Query, data map[string]any) (map[string]any, error) {
	return c.object(ctx, APICall{Method: "POST", URLPath: apiPath(q), Data: data})
}

// HTTPGet implements http.Client with a service call.
func (c celContext) HTTPGet(ctx context.Context, r http.Request) (any, error) {
	return c.loader.Call(ctx, APICall{Method: "GET", Service: &ServiceCall{URL: r.URL, CABundle: r.CABundle, Headers: r.Headers}})
}

// HTTPPost implements http.Client with a service call; the Loader sends object bodies only.
func (c celContext) HTTPPost(ctx context.Context, r http.Request) (any, error) {
	body, ok := r.Body.(map[string]any)
	if !ok && r.Body != nil {
		return nil, errors.New("the request body must be an object")
	}
	return c.loader.Call(ctx, APICall{Method: "POST", Data: body,
		Service: &ServiceCall{URL: r.URL, CABundle: r.CABundle, Headers: r.Headers}})
}

// GlobalContext implements globalcontext.Client; the Loader serves whole entries, not projections.
func (c celContext) GlobalContext(ctx context.Context, name, projection string) (any, error) {
	if projection != "" {
		return nil, fmt.Errorf("global context entry %s: projection %q: projections are not served", name, projection)
	}
	return c.loader.GlobalContext(ctx, name)
}

// ImageData implements imagedata.Client. The Loader returns the ClusterPolicy shape (configData, manifestList);
// the CEL library's names (config, imageIndex) are added when absent.
func (c celContext) ImageData(ctx context.Context, reference string) (map[string]any, error) {
	data, err := c.loader.ImageData(ctx, reference)
	if err != nil || data == nil {
		return data, err
	}
	out := maps.Clone(data)
	for celName, loaderName := range map[string]string{"config": "configData", "imageIndex": "manifestList"} {
		if _, ok := out[celName]; !ok {
			if v, ok := out[loaderName]; ok {
				out[celName] = v
			}
		}
	}
	return out, nil
}
