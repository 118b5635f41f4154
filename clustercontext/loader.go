package clustercontext

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/engine"
)

// DefaultTimeout bounds one apiCall.
const DefaultTimeout = 5 * time.Second

// DefaultMaxResponseBytes bounds the body of an apiCall response.
const DefaultMaxResponseBytes = 8 << 20

// ErrNotServed is returned for context entry types the cluster loader does not serve.
var ErrNotServed = errors.New("not served in the cluster yet")

// Loader implements engine.Loader against a cluster. Its zero value serves nothing; set the readers and the REST
// client it needs. A Loader must not be copied after first use (it holds the HTTP clients of apiCall.service).
type Loader struct {
	// Cache reads ConfigMaps (an informer-backed client.Reader).
	Cache client.Reader
	// Reader reads arbitrary objects for clone sources.
	Reader client.Reader
	// REST sends apiCall requests to the API server (absolute paths).
	REST rest.Interface
	// Timeout bounds each call (DefaultTimeout when 0).
	Timeout time.Duration
	// MaxResponseBytes bounds each apiCall response body (DefaultMaxResponseBytes when 0); a larger one is an error.
	MaxResponseBytes int64

	// clients holds one HTTP client per distinct apiCall.service caBundle.
	clients httpClients
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

// Call performs an apiCall: a Kubernetes API path through the API server, or a service URL. The method defaults to
// GET; a POST sends call.Data as its JSON body. The response must be JSON and no larger than MaxResponseBytes.
func (l *Loader) Call(ctx context.Context, call engine.APICall) (any, error) {
	method, err := requestMethod(call.Method)
	if err != nil {
		return nil, fmt.Errorf("apiCall %s: %w", target(call), err)
	}
	ctx, cancel := context.WithTimeout(ctx, l.timeout())
	defer cancel()
	var body []byte
	switch {
	case call.Service != nil:
		body, err = l.callService(ctx, method, call)
	case call.URLPath != "":
		body, err = l.callAPIServer(ctx, method, call)
	default:
		err = errors.New("apiCall names neither a urlPath nor a service")
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

func (l *Loader) maxResponseBytes() int64 {
	if l.MaxResponseBytes > 0 {
		return l.MaxResponseBytes
	}
	return DefaultMaxResponseBytes
}

// requestMethod normalises an apiCall method: GET (the default) or POST.
func requestMethod(m string) (string, error) {
	switch strings.ToUpper(m) {
	case "", http.MethodGet:
		return http.MethodGet, nil
	case http.MethodPost:
		return http.MethodPost, nil
	default:
		return "", fmt.Errorf("method %q is not GET or POST", m)
	}
}

func target(call engine.APICall) string {
	if call.Service != nil {
		return call.Service.URL
	}
	return call.URLPath
}

func (l *Loader) callAPIServer(ctx context.Context, method string, call engine.APICall) ([]byte, error) {
	if l.REST == nil {
		return nil, fmt.Errorf("apiCall %s: no API server client", call.URLPath)
	}
	req := l.REST.Get()
	if method == http.MethodPost {
		data, err := jsonBody(call.Data)
		if err != nil {
			return nil, fmt.Errorf("apiCall %s %s: %w", method, call.URLPath, err)
		}
		req = l.REST.Post().SetHeader("Content-Type", "application/json").Body(data)
	}
	stream, err := req.AbsPath(call.URLPath).Stream(ctx)
	if err != nil {
		return nil, fmt.Errorf("apiCall %s %s: %w", method, call.URLPath, err)
	}
	defer stream.Close()
	body, err := readLimited(stream, l.maxResponseBytes())
	if err != nil {
		return nil, fmt.Errorf("apiCall %s %s: %w", method, call.URLPath, err)
	}
	return body, nil
}

// jsonBody encodes the data of a POST apiCall; no data is an empty object.
func jsonBody(v map[string]any) ([]byte, error) {
	if v == nil {
		return []byte("{}"), nil
	}
	data, err := utiljson.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encoding request data: %w", err)
	}
	return data, nil
}

// ImageData is not served in a cluster yet.
func (l *Loader) ImageData(_ context.Context, reference string) (map[string]any, error) {
	return nil, fmt.Errorf("imageRegistry context for %s: %w", reference, ErrNotServed)
}

// GlobalContext is not served in a cluster yet.
func (l *Loader) GlobalContext(_ context.Context, name string) (any, error) {
	return nil, fmt.Errorf("globalReference %s: %w", name, ErrNotServed)
}
