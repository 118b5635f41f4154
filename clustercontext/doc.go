// Package clustercontext serves the engine's external context data from a Kubernetes cluster: configMap entries from
// the informer cache, apiCall entries through the API server (or an in-cluster HTTP service) with a timeout and a
// response size limit, and existing objects for clone sources.
//
// It implements engine.Loader for the admission webhook and, later, the controllers. imageRegistry and
// globalReference entries are not served in a cluster yet: they give an error result that says so.
package clustercontext
