package engine

import (
	"slices"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// Webhook is the API server side of a policy: which admission webhook serves it, how failures are treated and how long
// the API server waits.
type Webhook struct {
	// FailurePolicy is "Fail" (the default: fail closed) or "Ignore".
	FailurePolicy string
	// TimeoutSeconds is the webhook timeout, 1-30 seconds (default 10).
	TimeoutSeconds int32
}

// Scope is what one rule needs the API server to send to the webhook: the kind selectors the rule matches (as written:
// "Pod", "apps/v1/Deployment", "Pod/exec", "*") and, for each, the admission operations.
type Scope struct {
	// Mutating is true for rules served by the mutating webhook (mutate rules on the request object).
	Mutating bool
	// Kinds maps a kind selector to its operations.
	Kinds map[string][]Operation
}

var (
	allOperations    = []Operation{OperationCreate, OperationUpdate, OperationDelete, OperationConnect}
	mutateOperations = []Operation{OperationCreate, OperationUpdate}
)

func webhookOf(spec *v1alpha1.Spec) Webhook {
	w := Webhook{FailurePolicy: string(v1alpha1.Fail), TimeoutSeconds: 10}
	if spec.EffectiveFailurePolicy() == v1alpha1.Ignore {
		w.FailurePolicy = string(v1alpha1.Ignore)
	}
	if t := spec.EffectiveTimeoutSeconds(); t != nil && *t >= 1 && *t <= 30 {
		w.TimeoutSeconds = *t
	}
	return w
}

// scopeOf collects the kinds and operations of a rule as Kyverno registers them: operations named by a filter, else the
// rule type's defaults (every operation for validate and generate, CREATE and UPDATE for mutate); an exclude.any entry
// that names only kinds and operations removes them.
func scopeOf(r *v1alpha1.Rule) Scope {
	mutating := r.Mutation != nil && len(r.Mutation.Targets) == 0
	defaults := allOperations
	if mutating {
		defaults = mutateOperations
	}
	s := Scope{Mutating: mutating, Kinds: map[string][]Operation{}}
	add := func(d v1alpha1.ResourceDescription) {
		ops := defaults
		if len(d.Operations) > 0 {
			ops = make([]Operation, 0, len(d.Operations))
			for _, op := range d.Operations {
				ops = append(ops, Operation(op))
			}
		}
		for _, k := range d.Kinds {
			s.Kinds[k] = unionOperations(s.Kinds[k], ops)
		}
	}
	add(r.MatchResources.ResourceDescription)
	for _, f := range r.MatchResources.All {
		add(f.ResourceDescription)
	}
	for _, f := range r.MatchResources.Any {
		add(f.ResourceDescription)
	}
	if r.ExcludeResources != nil {
		s.removeExcluded(r.ExcludeResources.Any)
	}
	return s
}

func (s *Scope) removeExcluded(filters v1alpha1.ResourceFilters) {
	for _, f := range filters {
		d := f.ResourceDescription
		if !f.UserInfo.IsEmpty() || d.Name != "" || len(d.Names) > 0 || len(d.Namespaces) > 0 ||
			len(d.Annotations) > 0 || d.Selector != nil || d.NamespaceSelector != nil {
			continue
		}
		kinds := d.Kinds
		if len(kinds) == 0 {
			for k := range s.Kinds {
				kinds = append(kinds, k)
			}
		}
		for _, k := range kinds {
			ops, ok := s.Kinds[k]
			if !ok {
				continue
			}
			if len(d.Operations) == 0 {
				delete(s.Kinds, k)
				continue
			}
			ops = slices.DeleteFunc(slices.Clone(ops), func(op Operation) bool {
				return slices.Contains(d.Operations, v1alpha1.AdmissionOperation(op))
			})
			if len(ops) == 0 {
				delete(s.Kinds, k)
			} else {
				s.Kinds[k] = ops
			}
		}
	}
}

func unionOperations(have, add []Operation) []Operation {
	out := slices.Clone(have)
	for _, op := range add {
		if !slices.Contains(out, op) {
			out = append(out, op)
		}
	}
	return out
}
