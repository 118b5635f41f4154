package match

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Constraints is a compiled admissionregistration/v1 MatchResources, the `matchConstraints` of a ValidatingPolicy
// or ValidatingAdmissionPolicy: requests are selected by resource (group, version, resource, subresource),
// operation and scope, then by namespace and object labels, as the API server selects them.
type Constraints struct {
	include, exclude []ResourceRule
	namespace        labels.Selector // nil: every namespace
	object           labels.Selector // nil: every object
	equivalent       bool            // matchPolicy Equivalent (the default): another version of the resource matches
}

// ResourceRule is one compiled rule of resourceRules or excludeResourceRules.
type ResourceRule struct {
	Groups, Versions, Resources []string
	Operations                  []string
	// Names, when set, are the only object names the rule selects (resourceNames).
	Names []string
	// Scope is "*" (default), "Cluster" or "Namespaced".
	Scope string
}

// CompileConstraints compiles m. A nil m selects nothing, as in Kyverno.
func CompileConstraints(m *admissionregistrationv1.MatchResources) (*Constraints, error) {
	c := &Constraints{equivalent: true}
	if m == nil {
		return c, nil
	}
	if m.MatchPolicy != nil && *m.MatchPolicy == admissionregistrationv1.Exact {
		c.equivalent = false
	}
	var errs []error
	c.include, errs = compileResourceRules("resourceRules", m.ResourceRules, errs)
	c.exclude, errs = compileResourceRules("excludeResourceRules", m.ExcludeResourceRules, errs)
	var err error
	if c.namespace, err = optionalSelector(m.NamespaceSelector); err != nil {
		errs = append(errs, &FieldError{Field: "namespaceSelector", Err: err})
	}
	if c.object, err = optionalSelector(m.ObjectSelector); err != nil {
		errs = append(errs, &FieldError{Field: "objectSelector", Err: err})
	}
	return c, errors.Join(errs...)
}

func compileResourceRules(field string, in []admissionregistrationv1.NamedRuleWithOperations, errs []error) ([]ResourceRule, []error) {
	out := make([]ResourceRule, 0, len(in))
	for i, r := range in {
		rr := ResourceRule{Groups: r.APIGroups, Versions: r.APIVersions, Resources: r.Resources, Names: r.ResourceNames, Scope: "*"}
		for _, op := range r.Operations {
			rr.Operations = append(rr.Operations, string(op))
		}
		if r.Scope != nil && *r.Scope != "" {
			rr.Scope = string(*r.Scope)
		}
		if err := rr.check(); err != nil {
			errs = append(errs, &FieldError{Field: fmt.Sprintf("%s[%d]", field, i), Err: err})
			continue
		}
		out = append(out, rr)
	}
	return out, errs
}

func (r ResourceRule) check() error {
	for _, res := range r.Resources {
		if res == "" {
			return errors.New("resources: empty resource name")
		}
		if parent, sub, ok := strings.Cut(res, "/"); ok && (parent == "" || sub == "") {
			return fmt.Errorf("resources: %q is not resource or resource/subresource", res)
		}
	}
	switch r.Scope {
	case "*", "Cluster", "Namespaced":
		return nil
	}
	return fmt.Errorf("scope: %q is not *, Cluster or Namespaced", r.Scope)
}

func optionalSelector(s *metav1.LabelSelector) (labels.Selector, error) {
	if s == nil || (len(s.MatchLabels) == 0 && len(s.MatchExpressions) == 0) {
		return nil, nil
	}
	return metav1.LabelSelectorAsSelector(s)
}

// Rules returns the compiled resourceRules, for webhook registration and watches.
func (c *Constraints) Rules() []ResourceRule { return c.include }

// Matches reports whether the constraints select r: a resource rule includes it, no exclude rule removes it, and
// the namespace and object selectors hold.
func (c *Constraints) Matches(r *Resource) bool {
	if !slices.ContainsFunc(c.include, func(rr ResourceRule) bool { return rr.matches(r, c.equivalent) }) {
		return false
	}
	if slices.ContainsFunc(c.exclude, func(rr ResourceRule) bool { return rr.matches(r, c.equivalent) }) {
		return false
	}
	return c.namespaceMatches(r) && (c.object == nil || c.object.Matches(labels.Set(r.Labels)))
}

// namespaceMatches applies namespaceSelector as the API server does: to the namespace's labels for a namespaced
// resource, to the object's own labels for a Namespace, and not at all to other cluster-scoped resources.
func (c *Constraints) namespaceMatches(r *Resource) bool {
	switch {
	case c.namespace == nil:
		return true
	case r.Group == "" && r.Kind == "Namespace":
		return c.namespace.Matches(labels.Set(r.Labels))
	case r.Namespace == "":
		return true
	}
	return c.namespace.Matches(labels.Set(r.NamespaceLabels))
}

func (rr ResourceRule) matches(r *Resource, equivalent bool) bool {
	if len(rr.Operations) > 0 && !containsOrStar(rr.Operations, r.Operation) {
		return false
	}
	if len(rr.Names) > 0 && !slices.Contains(rr.Names, r.Name) {
		return false
	}
	if !rr.scopeMatches(r) || !rr.resourceMatches(r) {
		return false
	}
	if containsOrStar(rr.Groups, r.Group) && containsOrStar(rr.Versions, r.Version) {
		return true
	}
	return equivalent && rr.equivalentMatches(r)
}

func (rr ResourceRule) scopeMatches(r *Resource) bool {
	switch rr.Scope {
	case "Cluster":
		return r.Namespace == ""
	case "Namespaced":
		return r.Namespace != ""
	}
	return true
}

// resourceMatches matches "pods", "pods/status", "*", "*/*", "pods/*" and "*/status" as the API server does.
func (rr ResourceRule) resourceMatches(r *Resource) bool {
	name := r.resourceName()
	for _, want := range rr.Resources {
		wantRes, wantSub, hasSub := strings.Cut(want, "/")
		switch {
		case want == "*/*":
			return true
		case !hasSub:
			if r.Subresource == "" && (want == "*" || want == name) {
				return true
			}
		case (wantRes == "*" || wantRes == name) && (wantSub == "*" || wantSub == r.Subresource):
			return true
		}
	}
	return false
}

// equivalentMatches is matchPolicy Equivalent: the rule names the same resource in another version, or in a group
// the resource moved from (extensions to apps and networking.k8s.io).
func (rr ResourceRule) equivalentMatches(r *Resource) bool {
	for _, g := range equivalentGroups(r.Group, r.resourceName()) {
		if containsOrStar(rr.Groups, g) {
			return true
		}
	}
	return false
}

// equivalentGroups returns the groups a resource is served under: apps and extensions for Deployments, DaemonSets
// and ReplicaSets, networking.k8s.io and extensions for Ingresses and NetworkPolicies, else its own group.
func equivalentGroups(group, resource string) []string {
	var groups []string
	switch resource {
	case "deployments", "daemonsets", "replicasets":
		groups = []string{"apps", "extensions"}
	case "ingresses", "networkpolicies":
		groups = []string{"networking.k8s.io", "extensions"}
	}
	if slices.Contains(groups, group) {
		return groups
	}
	return []string{group}
}

func containsOrStar(list []string, v string) bool {
	return slices.Contains(list, "*") || slices.Contains(list, v)
}

// resourceName returns the plural resource name: the request's, else one derived from the kind.
func (r *Resource) resourceName() string {
	if r.Resource != "" {
		return r.Resource
	}
	return ResourceForKind(r.Kind)
}
