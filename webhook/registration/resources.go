package registration

import (
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// addResourceRules registers the resource rules of a rule that selects by resource (a ValidatingPolicy's
// matchConstraints) as written: their groups, versions, resources (subresources and wildcards included),
// operations and scope need no RESTMapper. A namespaced policy registers Namespaced scope only: it cannot select
// cluster-scoped resources, and the handler evaluates it for requests in its own namespace alone.
func (b *builder) addResourceRules(p *engine.Policy, r *engine.Rule, c class, namespaced bool) {
	for _, rr := range r.Scope.Resources {
		scope, ok := b.scopeOf(p, r, rr, namespaced)
		if !ok {
			continue
		}
		ops := b.operations(p, r, resourceOperations(rr.Operations))
		if len(ops) == 0 {
			continue
		}
		if b.classes[c] == nil {
			b.classes[c] = ruleSet{}
		}
		for _, g := range rr.Groups {
			for _, v := range rr.Versions {
				for _, res := range rr.Resources {
					b.classes[c].addExact(resourceRef{group: g, version: v, resource: res}, scope, ops)
				}
			}
		}
	}
}

// scopeOf returns the webhook scope of a resource rule; false when a namespaced policy asks for cluster scope.
func (b *builder) scopeOf(p *engine.Policy, r *engine.Rule, rr match.ResourceRule, namespaced bool) (admissionregistrationv1.ScopeType, bool) {
	scope := admissionregistrationv1.ScopeType(rr.Scope)
	if scope == "" {
		scope = admissionregistrationv1.AllScopes
	}
	if !namespaced {
		return scope, true
	}
	if scope == admissionregistrationv1.ClusterScope {
		b.warn(p, r, fmt.Sprintf("resources %v have scope Cluster, a namespaced policy cannot select them", rr.Resources))
		return "", false
	}
	return admissionregistrationv1.NamespacedScope, true
}

// resourceOperations returns the operations of a resource rule, "*" (or none) as every operation.
func resourceOperations(ops []string) []engine.Operation {
	if len(ops) == 0 {
		ops = []string{"*"}
	}
	var out []engine.Operation
	for _, op := range ops {
		if op == "*" {
			return []engine.Operation{engine.OperationCreate, engine.OperationUpdate, engine.OperationDelete, engine.OperationConnect}
		}
		out = append(out, engine.Operation(op))
	}
	return out
}
