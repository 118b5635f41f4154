package v1alpha1

import (
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// ContextEntry declares one named variable of a rule context. Exactly one
// source is set: configMap, apiCall, imageRegistry, variable or globalReference.
type ContextEntry struct {
	// Name is the variable name.
	Name string `json:"name"`

	// ConfigMap loads the data of a ConfigMap.
	// +optional
	ConfigMap *ConfigMapReference `json:"configMap,omitempty"`

	// APICall loads JSON from the Kubernetes API server or another web service.
	// +optional
	APICall *ContextAPICall `json:"apiCall,omitempty"`

	// ImageRegistry loads image metadata from an OCI registry.
	// +optional
	ImageRegistry *ImageRegistry `json:"imageRegistry,omitempty"`

	// Variable is an inline value or JMESPath expression.
	// +optional
	Variable *Variable `json:"variable,omitempty"`

	// GlobalReference reads a cached global context entry.
	// +optional
	GlobalReference *GlobalContextEntryReference `json:"globalReference,omitempty"`
}

// ConfigMapReference names a ConfigMap.
type ConfigMapReference struct {
	// Name of the ConfigMap.
	Name string `json:"name"`

	// Namespace of the ConfigMap.
	// +optional
	Namespace string `json:"namespace,omitempty"`
}

// Method is an HTTP method of an API call.
// +kubebuilder:validation:Enum=GET;POST
type Method string

const (
	// MethodGet sends a GET request.
	MethodGet Method = "GET"
	// MethodPost sends a POST request with the call's data as body.
	MethodPost Method = "POST"
)

// APICall is an HTTP request to the Kubernetes API server (urlPath) or to
// another JSON web service (service).
type APICall struct {
	// URLPath is an API server path as used by `kubectl get --raw`.
	// +optional
	URLPath string `json:"urlPath,omitempty"`

	// Method is GET (default) or POST.
	// +optional
	Method Method `json:"method,omitempty"`

	// Data is the body of a POST request, as key/value pairs.
	// +optional
	Data []RequestData `json:"data,omitempty"`

	// Service calls a web service instead of the API server.
	// +optional
	Service *ServiceCall `json:"service,omitempty"`
}

// ContextAPICall is an APICall used as a context entry.
type ContextAPICall struct {
	APICall `json:",inline"`

	// Default is the value used when the call fails.
	// +optional
	Default *apiextv1.JSON `json:"default,omitempty"`

	// JMESPath transforms the response.
	// +optional
	JMESPath string `json:"jmesPath,omitempty"`
}

// ServiceCall is a request to a JSON web service.
type ServiceCall struct {
	// URL of the service, e.g. https://svc.namespace:port/path.
	URL string `json:"url"`

	// Headers are added to the request.
	// +optional
	Headers []HTTPHeader `json:"headers,omitempty"`

	// CABundle is a PEM bundle used to verify the server certificate.
	// +optional
	CABundle string `json:"caBundle,omitempty"`
}

// HTTPHeader is one request header.
type HTTPHeader struct {
	// Key is the header name.
	Key string `json:"key"`
	// Value is the header value.
	Value string `json:"value"`
}

// RequestData is one key of a POST body.
type RequestData struct {
	// Key is the field name in the body.
	Key string `json:"key"`

	// Value is any JSON value; it may contain variables.
	Value *apiextv1.JSON `json:"value"`
}

// GlobalContextEntryReference reads a cached global context entry.
type GlobalContextEntryReference struct {
	// Name of the global context entry.
	Name string `json:"name"`

	// JMESPath transforms the cached value.
	// +optional
	JMESPath string `json:"jmesPath,omitempty"`
}

// ImageRegistry loads the metadata of an image from its registry.
type ImageRegistry struct {
	// Reference is the image reference, e.g. ghcr.io/org/app:1.0.
	Reference string `json:"reference"`

	// JMESPath transforms the loaded image data.
	// +optional
	JMESPath string `json:"jmesPath,omitempty"`

	// ImageRegistryCredentials authenticate to the registry.
	// +optional
	ImageRegistryCredentials *ImageRegistryCredentials `json:"imageRegistryCredentials,omitempty"`
}

// ImageRegistryCredentialsProvidersType names a cloud credential helper.
// +kubebuilder:validation:Enum=default;amazon;azure;google;github
type ImageRegistryCredentialsProvidersType string

// ImageRegistryCredentials configure registry authentication.
type ImageRegistryCredentials struct {
	// AllowInsecureRegistry permits plain HTTP or unverified TLS.
	// +optional
	AllowInsecureRegistry bool `json:"allowInsecureRegistry,omitempty"`

	// Providers are credential helpers to use.
	// +optional
	Providers []ImageRegistryCredentialsProvidersType `json:"providers,omitempty"`

	// Secrets are names of image pull secrets in Bylaw's namespace.
	// +optional
	Secrets []string `json:"secrets,omitempty"`
}

// Variable is an inline context variable: a value, a JMESPath expression over
// the context, or both, with a default used when the result is null.
type Variable struct {
	// Value is any JSON value; it may contain variables.
	// +optional
	Value *apiextv1.JSON `json:"value,omitempty"`

	// JMESPath is evaluated against value, or against the context when value is unset.
	// +optional
	JMESPath string `json:"jmesPath,omitempty"`

	// Default is used when the result is null.
	// +optional
	Default *apiextv1.JSON `json:"default,omitempty"`
}
