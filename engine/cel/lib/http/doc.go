// Package http is Kyverno's `http` CEL library: the `http` variable calls HTTP services and returns their decoded
// JSON answers:
//
//	http.Get(url [, headers])
//	http.Post(url, body [, headers])
//	http.Client(caBundle)   // an `http` value whose calls trust the PEM CA bundle
//
// Unlike Kyverno, the library is off unless the administrator lists the hosts policies may call (Hosts): a URL
// must be http or https and its host must match an entry, "host" (any port), "host:port", or "*.domain" (any
// subdomain); anything else is an error. It is never available to namespaced policies: the engine refuses their
// expressions that use it (ErrNamespaced). The library does no I/O: calls go to the Client bound for the
// evaluation, and fail when none is bound (lib.ErrUnbound). Errors read "request failed: ..." as in Kyverno. Each
// call costs lib.ExternalCall.
package http
