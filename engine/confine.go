package engine

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// OutsideNamespaceError says how a rule of a namespaced Policy reaches beyond the Policy's namespace: a generated
// object, a clone source, a mutate target, a configMap or an apiCall elsewhere (or cluster-wide). A namespaced Policy
// acts only in its own namespace; see docs/policies.md, "Namespaced Policies".
type OutsideNamespaceError struct {
	// Field is the field at fault, e.g. generate.namespace or apiCall.urlPath.
	Field string
	// Value is what the field asks for, as substituted.
	Value string
	// Namespace is the Policy's namespace.
	Namespace string
	// Reason explains what a namespaced Policy may do instead; may be empty.
	Reason string
}

// Error reads `generate.namespace: "other" is outside the Policy's namespace "team-a"`.
func (e *OutsideNamespaceError) Error() string {
	msg := fmt.Sprintf("%s: %q is outside the Policy's namespace %q", e.Field, e.Value, e.Namespace)
	if e.Value == "" {
		msg = fmt.Sprintf("%s: empty (a cluster-scoped object, or every namespace) is outside the Policy's namespace %q",
			e.Field, e.Namespace)
	}
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// CheckNamespace checks that p may act on an object in namespace: always for a ClusterPolicy; for a namespaced
// Policy only in its own namespace. A cluster-scoped object has namespace "", which no namespaced Policy may touch.
// field names what asks for the object in the error (e.g. generate.namespace). Every consumer that creates, clones,
// patches or reads objects for a policy (the engine's own evaluation, the generate controller) asks this one check.
func (p *Policy) CheckNamespace(field, namespace string) error {
	return confineNamespace(p.Namespace, field, namespace)
}

// confineNamespace is CheckNamespace for a policy namespace ("" for a ClusterPolicy).
func confineNamespace(policyNamespace, field, namespace string) error {
	if policyNamespace == "" || namespace == policyNamespace {
		return nil
	}
	return &OutsideNamespaceError{Field: field, Value: namespace, Namespace: policyNamespace}
}

// confineCall checks an apiCall of a Policy in namespace ns (a ClusterPolicy, ns "", may make any call): it may only
// GET a Kubernetes API path of its own namespace, and never call a service.
func confineCall(ns string, call APICall) error {
	if ns == "" {
		return nil
	}
	if err := confineMethod(ns, call); err != nil {
		return err
	}
	return confineAPIPath(ns, call.URLPath)
}

// confineMethod checks what a namespaced Policy's apiCall does, whatever its path: a GET, not a service call.
func confineMethod(ns string, call APICall) error {
	if call.Service != nil {
		return &OutsideNamespaceError{Field: "apiCall.service", Value: call.Service.URL, Namespace: ns,
			Reason: "a namespaced Policy may not call services, only GET Kubernetes API paths of its namespace"}
	}
	if m := strings.ToUpper(call.Method); m != "" && m != "GET" {
		return &OutsideNamespaceError{Field: "apiCall.method", Value: m, Namespace: ns,
			Reason: "a namespaced Policy may only GET"}
	}
	return nil
}

// allowedQuery reports whether a namespaced Policy's apiCall may carry the query parameter: those that filter or
// page a list, none of which changes the namespace read (watch and the like are refused).
func allowedQuery(param string) bool {
	switch param {
	case "labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "resourceVersionMatch":
		return true
	}
	return false
}

// confineAPIPath checks that path reads objects of namespace ns: /api/v1/namespaces/<ns> itself,
// /api/v1/namespaces/<ns>/<resource>[/...] or /apis/<group>/<version>/namespaces/<ns>/<resource>[/...], written
// plainly: no "." or ".." segments, no empty segments, no percent-escapes, no backslashes, and only the query
// parameters allowedQuery accepts.
func confineAPIPath(ns, path string) error {
	reason := func(why string) error {
		return &OutsideNamespaceError{Field: "apiCall.urlPath", Value: path, Namespace: ns, Reason: why + "; a " +
			"namespaced Policy reads only /api/v1/namespaces/" + ns + "/... and /apis/<group>/<version>/namespaces/" +
			ns + "/..."}
	}
	p, query, _ := strings.Cut(path, "?")
	if strings.ContainsAny(p, `%\`) || !strings.HasPrefix(p, "/") {
		return reason("not a plain absolute path")
	}
	if err := checkQuery(query); err != "" {
		return reason(err)
	}
	segs := strings.Split(strings.TrimSuffix(p[1:], "/"), "/")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return reason("empty, . or .. path segment")
		}
	}
	var rest []string
	switch {
	case len(segs) >= 4 && segs[0] == "api" && segs[1] == "v1" && segs[2] == "namespaces":
		rest = segs[3:]
	case len(segs) >= 5 && segs[0] == "apis" && segs[3] == "namespaces":
		rest = segs[4:]
		if len(rest) < 2 {
			return reason("not an object or collection of a namespace")
		}
	default:
		return reason("a cluster-wide path")
	}
	if rest[0] != ns {
		return reason("the path names namespace " + rest[0])
	}
	return nil
}

// checkQuery returns why a query string is refused, or "".
func checkQuery(query string) string {
	if query == "" {
		return ""
	}
	values, err := url.ParseQuery(query)
	if err != nil {
		return "the query does not parse"
	}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		if !allowedQuery(k) {
			return "query parameter " + k + " is not one of labelSelector, fieldSelector, limit, continue, " +
				"resourceVersion, resourceVersionMatch"
		}
	}
	return ""
}

// confinedLoader is the Loader a namespaced Policy evaluates with: every read goes through the checks above before
// it reaches the real loader, after variables are substituted, whichever rule, foreach or target asked for it.
type confinedLoader struct {
	namespace string
	next      Loader
}

var _ Loader = confinedLoader{}

// loaderFor returns the loader p evaluates with: l itself for a ClusterPolicy (or no loader), else l confined to
// p's namespace.
func (p *Policy) loaderFor(l Loader) Loader {
	if p.Namespace == "" || l == nil {
		return l
	}
	return confinedLoader{namespace: p.Namespace, next: l}
}

// ConfigMap reads a ConfigMap of the Policy's namespace only.
func (c confinedLoader) ConfigMap(ctx context.Context, namespace, name string) (map[string]any, error) {
	if err := confineNamespace(c.namespace, "configMap.namespace", namespace); err != nil {
		return nil, err
	}
	return c.next.ConfigMap(ctx, namespace, name)
}

// Call makes a GET of an API path of the Policy's namespace only.
func (c confinedLoader) Call(ctx context.Context, call APICall) (any, error) {
	if err := confineCall(c.namespace, call); err != nil {
		return nil, err
	}
	return c.next.Call(ctx, call)
}

// ImageData reads no cluster object: passed through.
func (c confinedLoader) ImageData(ctx context.Context, reference string) (map[string]any, error) {
	return c.next.ImageData(ctx, reference)
}

// GlobalContext reads the entries the administrator declared: passed through.
func (c confinedLoader) GlobalContext(ctx context.Context, name string) (any, error) {
	return c.next.GlobalContext(ctx, name)
}

// Resource reads an object of the Policy's namespace only (clone sources, mutate targets, CEL params).
func (c confinedLoader) Resource(ctx context.Context, q ResourceQuery) (map[string]any, error) {
	if err := confineNamespace(c.namespace, "namespace", q.Namespace); err != nil {
		return nil, err
	}
	return c.next.Resource(ctx, q)
}

// List lists objects of the Policy's namespace only (cloneList sources, mutate targets).
func (c confinedLoader) List(ctx context.Context, q ResourceQuery) ([]map[string]any, error) {
	if err := confineNamespace(c.namespace, "namespace", q.Namespace); err != nil {
		return nil, err
	}
	return c.next.List(ctx, q)
}
