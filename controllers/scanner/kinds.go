package scanner

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// target is one kind the scanner watches, at the version the API server prefers.
type target struct {
	gvr        schema.GroupVersionResource
	gvk        schema.GroupVersionKind
	namespaced bool
	// evaluate is true when a background policy matches the kind; a kind only admission-only policies match is
	// watched for deletions alone.
	evaluate bool
}

// resolver resolves the kind selectors of rules to targets, remembering each selector for one snapshot.
type resolver struct {
	mapper   meta.RESTMapper
	cache    map[string][]target
	warnings map[string]string
}

func newResolver(mapper meta.RESTMapper) *resolver {
	return &resolver{mapper: mapper, cache: map[string][]target{}, warnings: map[string]string{}}
}

// reported reports whether p has validate rules, whose results reach the reports: from the scanner or, for a policy
// that is not a background one, from admission. The kinds of every such policy are watched, so that the results of
// deleted objects go.
func reported(p *engine.Policy) bool {
	for _, r := range p.Rules {
		if r.Type == engine.RuleValidate {
			return true
		}
	}
	return false
}

// scanned reports whether the scanner evaluates p: a background policy with validate rules.
func scanned(p *engine.Policy) bool { return p.Background && reported(p) }

// targetsOf returns the kinds the validate rules of p match.
func (r *resolver) targetsOf(p *engine.Policy) ([]target, error) {
	var out []target
	for _, rule := range p.Rules {
		if rule.Type != engine.RuleValidate {
			continue
		}
		for _, sel := range sortedSelectors(rule.Scope.Kinds) {
			ts, err := r.resolve(sel)
			if err != nil {
				return nil, fmt.Errorf("policy %s rule %s: %w", p.Key(), rule.Name, err)
			}
			out = append(out, ts...)
		}
	}
	return out, nil
}

func sortedSelectors(kinds map[string][]engine.Operation) []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// resolve returns the targets of one selector: the preferred version of every kind it names.
func (r *resolver) resolve(sel string) ([]target, error) {
	if ts, ok := r.cache[sel]; ok {
		return ts, nil
	}
	mappings, warning, err := registration.Mappings(r.mapper, sel)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		r.warnings[sel] = warning
	}
	var ts []target
	seen := map[schema.GroupKind]bool{}
	for _, m := range mappings {
		gk := m.GroupVersionKind.GroupKind()
		if seen[gk] {
			continue
		}
		seen[gk] = true
		pref, err := r.mapper.RESTMapping(gk)
		if err != nil {
			return nil, fmt.Errorf("resolving kind %s: %w", gk, err)
		}
		ts = append(ts, target{gvr: pref.Resource, gvk: pref.GroupVersionKind,
			namespaced: pref.Scope == nil || pref.Scope.Name() != meta.RESTScopeNameRoot})
	}
	r.cache[sel] = ts
	return ts, nil
}
