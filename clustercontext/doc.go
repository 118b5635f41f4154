// Package clustercontext serves the engine's external context data from a Kubernetes cluster; Loader implements
// engine.Loader for `bylaw serve`.
//
//   - configMap entries are read from the informer cache (Loader.Cache).
//   - apiCall entries with a urlPath go through the API server (Loader.REST, an absolute path), impersonating the
//     ServiceAccount NewRESTClient is given (bylaw-context in `bylaw serve`), so a policy reads with that account's
//     rights and never with Bylaw's own; entries with a service go to that HTTP(S) URL. The method defaults to GET; a POST sends the entry's data as a JSON body, and
//     a service call sends the entry's headers. A service's caBundle (PEM) replaces the system roots: the client
//     trusts exactly those certificates and speaks TLS 1.2 or later. One client is built per distinct bundle and
//     reused across calls (a small bounded set, keyed by the bundle's sha256). Every call is bounded by
//     Loader.Timeout, and its response by Loader.MaxResponseBytes: a larger response is an error, never truncated.
//     A non-2xx response is an error that names the URL and the status.
//   - clone and cloneList sources (Resource, List) are read through Loader.Reader; a cloneList kind may carry its
//     API version ("v1/ConfigMap", "apps/v1/Deployment").
//
// imageRegistry and globalReference entries are not served in a cluster yet: they give an error wrapping
// ErrNotServed. Service calls are not checked against an egress allow or block list, and no service-account token
// is added to them.
package clustercontext
