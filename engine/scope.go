package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// Webhook is the API server side of a policy: which admission webhook serves it, how failures are treated and how long
// the API server waits.
type Webhook struct {
	// FailurePolicy is "Fail" (the default: fail closed) or "Ignore".
	FailurePolicy string
	// TimeoutSeconds is the webhook timeout, 1-30 seconds (default 10).
	TimeoutSeconds int32
}

// Scope is what one rule needs the API server to send: the kind selectors the rule matches, parsed once, each with
// its admission operations, sorted by the selectors as written.
type Scope struct {
	Kinds []KindScope
	// Resources are the resource rules of a policy that matches by resource (ValidatingPolicy matchConstraints),
	// with their operations; such a rule has no Kinds.
	Resources []match.ResourceRule
}

// KindScope is one kind selector of a rule and the operations it is registered for.
type KindScope struct {
	Selector   match.KindSelector
	Operations []Operation
}

// Selectors returns the rule's kind selectors.
func (s Scope) Selectors() []match.KindSelector {
	out := make([]match.KindSelector, len(s.Kinds))
	for i, k := range s.Kinds {
		out[i] = k.Selector
	}
	return out
}

// find returns the index of the selector written as raw, or -1.
func (s *Scope) find(raw string) int {
	return slices.IndexFunc(s.Kinds, func(k KindScope) bool { return k.Selector.Raw == raw })
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
// that names only kinds and operations removes them. Kinds are parsed by match.ParseKindSelector, which the rule's
// matcher has already accepted.
func scopeOf(r *v1alpha1.Rule) (Scope, error) {
	defaults := allOperations
	if r.Mutation != nil && len(r.Mutation.Targets) == 0 {
		defaults = mutateOperations
	}
	var s Scope
	add := func(d v1alpha1.ResourceDescription) error {
		ops := defaults
		if len(d.Operations) > 0 {
			ops = make([]Operation, 0, len(d.Operations))
			for _, op := range d.Operations {
				ops = append(ops, Operation(op))
			}
		}
		for _, k := range d.Kinds {
			if i := s.find(k); i >= 0 {
				s.Kinds[i].Operations = unionOperations(s.Kinds[i].Operations, ops)
				continue
			}
			sel, err := match.ParseKindSelector(k)
			if err != nil {
				return err
			}
			s.Kinds = append(s.Kinds, KindScope{Selector: sel, Operations: slices.Clone(ops)})
		}
		return nil
	}
	filters := []v1alpha1.ResourceDescription{r.MatchResources.ResourceDescription}
	for _, f := range r.MatchResources.All {
		filters = append(filters, f.ResourceDescription)
	}
	for _, f := range r.MatchResources.Any {
		filters = append(filters, f.ResourceDescription)
	}
	for _, d := range filters {
		if err := add(d); err != nil {
			return Scope{}, fmt.Errorf("match: %w", err)
		}
	}
	if r.ExcludeResources != nil {
		s.removeExcluded(r.ExcludeResources.Any)
	}
	slices.SortFunc(s.Kinds, func(a, b KindScope) int { return strings.Compare(a.Selector.Raw, b.Selector.Raw) })
	return s, nil
}

func (s *Scope) removeExcluded(filters v1alpha1.ResourceFilters) {
	for _, f := range filters {
		d := f.ResourceDescription
		if !f.UserInfo.IsEmpty() || d.Name != "" || len(d.Names) > 0 || len(d.Namespaces) > 0 ||
			len(d.Annotations) > 0 || d.Selector != nil || d.NamespaceSelector != nil {
			continue
		}
		kept := s.Kinds[:0]
		for _, k := range s.Kinds {
			if len(d.Kinds) == 0 || slices.Contains(d.Kinds, k.Selector.Raw) {
				k.Operations = slices.DeleteFunc(k.Operations, func(op Operation) bool {
					return len(d.Operations) == 0 || slices.Contains(d.Operations, v1alpha1.AdmissionOperation(op))
				})
				if len(k.Operations) == 0 {
					continue
				}
			}
			kept = append(kept, k)
		}
		s.Kinds = kept
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
