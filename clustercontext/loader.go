package clustercontext

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/engine"
)

// DefaultTimeout bounds one apiCall.
const DefaultTimeout = 5 * time.Second

// maxResponseBytes bounds the body of an apiCall response.
const maxResponseBytes = 8 << 20

// ErrNotServed is returned for context entry types the cluster loader does not serve.
var ErrNotServed = errors.New("not served in the cluster yet")

// Loader implements engine.Loader against a cluster.
type Loader struct {
	// Cache reads ConfigMaps (an informer-backed client.Reader).
	Cache client.Reader
	// Reader reads arbitrary objects for clone sources.
	Reader client.Reader
	// REST sends apiCall requests to the API server.
	REST rest.Interface
	// HTTP sends apiCall.service requests; nil uses a client with Timeout.
	HTTP *http.Client
	// Timeout bounds each call (DefaultTimeout when 0).
	Timeout time.Duration
}

var _ engine.Loader = (*Loader)(nil)

// ConfigMap returns a ConfigMap from the cache as JSON-compatible data.
func (l *Loader) ConfigMap(ctx context.Context, namespace, name string) (map[string]any, error) {
	var cm corev1.ConfigMap
	if err := l.Cache.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &cm); err != nil {
		return nil, fmt.Errorf("configMap %s/%s: %w", namespace, name, err)
	}
	obj, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&cm)
	if err != nil {
		return nil, fmt.Errorf("configMap %s/%s: %w", namespace, name, err)
	}
	return obj, nil
}

// Call performs an apiCall: a Kubernetes API path through the API server, or a service URL.
func (l *Loader) Call(ctx context.Context, call engine.APICall) (any, error) {
	ctx, cancel := context.WithTimeout(ctx, l.timeout())
	defer cancel()
	var body []byte
	var err error
	if call.Service != nil {
		body, err = l.callService(ctx, call)
	} else {
		body, err = l.callAPIServer(ctx, call)
	}
	if err != nil {
		return nil, err
	}
	var out any
	if err := utiljson.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("apiCall %s: response is not JSON: %w", target(call), err)
	}
	return out, nil
}

func (l *Loader) timeout() time.Duration {
	if l.Timeout > 0 {
		return l.Timeout
	}
	return DefaultTimeout
}

func target(call engine.APICall) string {
	if call.Service != nil {
		return call.Service.URL
	}
	return call.URLPath
}

func (l *Loader) callAPIServer(ctx context.Context, call engine.APICall) ([]byte, error) {
	if l.REST == nil {
		return nil, fmt.Errorf("apiCall %s: no API server client", call.URLPath)
	}
	req := l.REST.Get()
	if strings.EqualFold(call.Method, http.MethodPost) {
		req = l.REST.Post().SetHeader("Content-Type", "application/json").Body(mustJSON(call.Data))
	}
	body, err := req.AbsPath(call.URLPath).DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("apiCall %s %s: %w", call.Method, call.URLPath, err)
	}
	return body, nil
}

func (l *Loader) callService(ctx context.Context, call engine.APICall) ([]byte, error) {
	method := http.MethodGet
	var payload io.Reader
	if strings.EqualFold(call.Method, http.MethodPost) {
		method, payload = http.MethodPost, strings.NewReader(string(mustJSON(call.Data)))
	}
	req, err := http.NewRequestWithContext(ctx, method, call.Service.URL, payload)
	if err != nil {
		return nil, fmt.Errorf("apiCall service %s: %w", call.Service.URL, err)
	}
	for k, v := range call.Service.Headers {
		req.Header.Set(k, v)
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := l.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: l.timeout()}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("apiCall service %s: %w", call.Service.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return nil, fmt.Errorf("apiCall service %s: reading response: %w", call.Service.URL, err)
	}
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("apiCall service %s: HTTP %d: %s", call.Service.URL, resp.StatusCode, truncate(string(body), 200))
	}
	return body, nil
}

func mustJSON(v map[string]any) []byte {
	if v == nil {
		return []byte("{}")
	}
	data, err := utiljson.Marshal(v)
	if err != nil { // values decoded from JSON always encode
		return []byte("{}")
	}
	return data
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// ImageData is not served in a cluster yet.
func (l *Loader) ImageData(_ context.Context, reference string) (map[string]any, error) {
	return nil, fmt.Errorf("imageRegistry context for %s: %w", reference, ErrNotServed)
}

// GlobalContext is not served in a cluster yet.
func (l *Loader) GlobalContext(_ context.Context, name string) (any, error) {
	return nil, fmt.Errorf("globalReference %s: %w", name, ErrNotServed)
}

// Resource returns one existing object.
func (l *Loader) Resource(ctx context.Context, q engine.ResourceQuery) (map[string]any, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(schema.FromAPIVersionAndKind(q.APIVersion, q.Kind))
	if err := l.Reader.Get(ctx, client.ObjectKey{Namespace: q.Namespace, Name: q.Name}, u); err != nil {
		return nil, fmt.Errorf("%s %s/%s: %w", q.Kind, q.Namespace, q.Name, err)
	}
	return u.Object, nil
}

// List returns the objects of q's kinds in q's namespace that its selector selects.
func (l *Loader) List(ctx context.Context, q engine.ResourceQuery) ([]map[string]any, error) {
	var out []map[string]any
	for _, kind := range q.Kinds {
		apiVersion, k := q.APIVersion, kind
		if i := strings.LastIndex(kind, "/"); i >= 0 {
			apiVersion, k = kind[:i], kind[i+1:]
		}
		items, err := l.listKind(ctx, apiVersion, k, q)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

func (l *Loader) listKind(ctx context.Context, apiVersion, kind string, q engine.ResourceQuery) ([]map[string]any, error) {
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(schema.FromAPIVersionAndKind(apiVersion, kind+"List"))
	opts := []client.ListOption{client.InNamespace(q.Namespace)}
	if q.Selector != nil {
		sel, err := metav1LabelSelector(q)
		if err != nil {
			return nil, err
		}
		opts = append(opts, client.MatchingLabelsSelector{Selector: sel})
	}
	if err := l.Reader.List(ctx, list, opts...); err != nil {
		return nil, fmt.Errorf("listing %s in %s: %w", kind, q.Namespace, err)
	}
	out := make([]map[string]any, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, list.Items[i].Object)
	}
	return out, nil
}
