package engine

import "context"

// APICall is a resolved `apiCall` context entry: variables in its URL path and data are already substituted.
type APICall struct {
	Method  string // GET or POST
	URLPath string // Kubernetes API path, for API server calls
	Service *ServiceCall
	Data    map[string]any
}

// ServiceCall is an `apiCall.service` request to an HTTP service.
type ServiceCall struct {
	URL      string
	CABundle string
	Headers  map[string]string
}

// Loader fetches external context data. Implementations do the I/O (API server informers, CLI value files); the
// engine stays pure. Each method returns the data as decoded JSON, or an error that becomes the rule's error result.
type Loader interface {
	// ConfigMap returns a ConfigMap object (with its data map) by namespace and name.
	ConfigMap(ctx context.Context, namespace, name string) (map[string]any, error)
	// Call performs an API call and returns its decoded JSON response.
	Call(ctx context.Context, call APICall) (any, error)
	// ImageData returns registry metadata for an image reference (manifest, config, configData ...).
	ImageData(ctx context.Context, reference string) (map[string]any, error)
	// GlobalContext returns the data of a named global context entry.
	GlobalContext(ctx context.Context, name string) (any, error)
	// Resource returns one existing object (a clone source).
	Resource(ctx context.Context, q ResourceQuery) (map[string]any, error)
	// List returns the existing objects of q.Kinds in q.Namespace that q.Selector selects (cloneList sources).
	List(ctx context.Context, q ResourceQuery) ([]map[string]any, error)
}
