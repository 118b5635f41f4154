// Package resource is Kyverno's `resource` CEL library: the `resource` variable reads and creates Kubernetes
// resources by API version and resource (plural) name, returning the object (or the list, with its items) as a
// map. For a cluster-wide policy:
//
//	resource.Get(apiVersion, resource, namespace, name [, subresources])
//	resource.List(apiVersion, resource, namespace [, labels])
//	resource.Post(apiVersion, resource, [namespace,] object)
//
// For a namespaced policy (Lib(true)) the namespace argument is absent, as in Kyverno: every call acts in the
// policy's namespace, which Value binds, so no expression of such a policy can name another namespace. An empty
// namespace means a cluster-scoped resource (or, for List, every namespace). Names, resources and subresources must
// be single path segments. The library does no I/O: calls go to the Client bound for the evaluation, and fail when
// none is bound (lib.ErrUnbound) or the client fails, with Kyverno's messages ("failed to get resource: ...").
// Kyverno's ToGVR and its GroupVersionResource overloads are not provided (the engine has no REST mapper).
// Each call costs lib.ExternalCall.
package resource
