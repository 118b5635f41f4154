package registration

import (
	"cmp"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

// entry is one (group, version, resource, scope, operation) the API server must send to a webhook.
type entry struct {
	group, version, resource string
	scope                    admissionregistrationv1.ScopeType
	operation                admissionregistrationv1.OperationType
}

// ruleSet collects the entries of one webhook.
type ruleSet map[entry]struct{}

// add records ref for each operation. A selector without subresource that selects v1 Pods also selects the
// pods/ephemeralcontainers subresource (the engine matches it), so that is registered too.
func (s ruleSet) add(ref resourceRef, scope admissionregistrationv1.ScopeType, ops []admissionregistrationv1.OperationType) {
	for _, op := range ops {
		e := entry{group: ref.group, version: ref.version, resource: ref.resource, scope: scope, operation: op}
		s[e] = struct{}{}
		if selectsV1Pods(e) {
			e.resource = "pods/ephemeralcontainers"
			s[e] = struct{}{}
		}
	}
}

// addExact records ref for each operation, and nothing else: a resource rule says exactly what it selects.
func (s ruleSet) addExact(ref resourceRef, scope admissionregistrationv1.ScopeType, ops []admissionregistrationv1.OperationType) {
	for _, op := range ops {
		s[entry{group: ref.group, version: ref.version, resource: ref.resource, scope: scope, operation: op}] = struct{}{}
	}
}

func selectsV1Pods(e entry) bool {
	return (e.group == "" || e.group == "*") && (e.version == "v1" || e.version == "*") &&
		(e.resource == "pods" || e.resource == "*")
}

// covered reports whether another entry of the set already selects every request e selects. Dropping covered
// entries keeps the rules minimal and satisfies the API server's checks ("if '*/*' is present, must not specify other
// resources", "if 'pods/*' is present, must not specify pods/exec", ...).
func (s ruleSet) covered(e entry) bool {
	for _, g := range widen(e.group) {
		for _, v := range widen(e.version) {
			for _, r := range widenResource(e.resource) {
				for _, sc := range widenScope(e.scope) {
					c := entry{group: g, version: v, resource: r, scope: sc, operation: e.operation}
					if c == e {
						continue
					}
					if _, ok := s[c]; ok {
						return true
					}
				}
			}
		}
	}
	return false
}

func widen(v string) []string {
	if v == "*" {
		return []string{v}
	}
	return []string{v, "*"}
}

func widenScope(s admissionregistrationv1.ScopeType) []admissionregistrationv1.ScopeType {
	if s == admissionregistrationv1.AllScopes {
		return []admissionregistrationv1.ScopeType{s}
	}
	return []admissionregistrationv1.ScopeType{s, admissionregistrationv1.AllScopes}
}

// widenResource returns the resource patterns that select at least what r selects, r included:
// "pods" ⊂ "*" ⊂ "*/*"; "pods/exec" ⊂ "pods/*", "*/exec" ⊂ "*/*".
func widenResource(r string) []string {
	res, sub, hasSub := strings.Cut(r, "/")
	if !hasSub {
		return slices.Compact([]string{r, "*", "*/*"})
	}
	out := []string{r}
	if sub != "*" {
		out = append(out, res+"/*", "*/"+sub)
	}
	return slices.Compact(append(out, "*/*"))
}

// groupKey is what one RuleWithOperations shares: group, version and scope.
type groupKey struct {
	group, version string
	scope          admissionregistrationv1.ScopeType
}

// rules returns the webhook rules for the set: covered entries dropped, one rule per group, version, scope and set
// of operations, everything sorted.
func (s ruleSet) rules() []admissionregistrationv1.RuleWithOperations {
	ops := map[groupKey]map[string][]admissionregistrationv1.OperationType{}
	for e := range s {
		if s.covered(e) {
			continue
		}
		k := groupKey{e.group, e.version, e.scope}
		if ops[k] == nil {
			ops[k] = map[string][]admissionregistrationv1.OperationType{}
		}
		ops[k][e.resource] = append(ops[k][e.resource], e.operation)
	}
	var out []admissionregistrationv1.RuleWithOperations
	for k, byResource := range ops {
		resources := map[string][]string{}
		opLists := map[string][]admissionregistrationv1.OperationType{}
		for res, list := range byResource {
			slices.Sort(list)
			key := joinOps(list)
			resources[key] = append(resources[key], res)
			opLists[key] = list
		}
		for key, res := range resources {
			slices.Sort(res)
			scope := k.scope
			out = append(out, admissionregistrationv1.RuleWithOperations{
				Operations: opLists[key],
				Rule: admissionregistrationv1.Rule{
					APIGroups: []string{k.group}, APIVersions: []string{k.version}, Resources: res, Scope: &scope,
				},
			})
		}
	}
	slices.SortFunc(out, compareRules)
	return out
}

func joinOps(ops []admissionregistrationv1.OperationType) string {
	parts := make([]string, len(ops))
	for i, op := range ops {
		parts[i] = string(op)
	}
	return strings.Join(parts, ",")
}

func compareRules(a, b admissionregistrationv1.RuleWithOperations) int {
	return cmp.Or(
		cmp.Compare(a.APIGroups[0], b.APIGroups[0]),
		cmp.Compare(a.APIVersions[0], b.APIVersions[0]),
		cmp.Compare(*a.Scope, *b.Scope),
		slices.Compare(a.Resources, b.Resources),
		cmp.Compare(joinOps(a.Operations), joinOps(b.Operations)),
	)
}
