package scanner

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/engine/match"
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

// reportedStages are the stages whose results reach the reports: the scanner's, and admission's validation (whose
// Audit results reach them for a policy that is not a background one). The kinds of every policy with such rules are
// watched, so that the results of deleted objects go.
const reportedStages = engine.StageValidate | engine.StageScan

// reported reports whether p has rules whose results reach the reports.
func reported(p *engine.Policy) bool { return p.Runs(reportedStages) }

// scanned reports whether the scanner evaluates p.
func scanned(p *engine.Policy) bool { return p.Runs(engine.StageScan) }

// targetsOf returns the kinds the reported rules of p match. Selectors of a subresource (Pod/exec) name requests,
// not stored objects, and are left out.
func (r *resolver) targetsOf(p *engine.Policy) ([]target, error) {
	var out []target
	for _, rule := range p.RulesIn(reportedStages) {
		for _, sel := range rule.Scope.Selectors() {
			if sel.Subresource != "" {
				continue
			}
			ts, err := r.resolve(sel)
			if err != nil {
				return nil, fmt.Errorf("policy %s rule %s: %w", p.Key(), rule.Name, err)
			}
			out = append(out, ts...)
		}
		for _, rr := range rule.Scope.Resources {
			ts, err := r.resolveResources(rr)
			if err != nil {
				return nil, fmt.Errorf("policy %s rule %s: %w", p.Key(), rule.Name, err)
			}
			out = append(out, ts...)
		}
	}
	return out, nil
}

// resolveResources returns the targets of a resource rule (a ValidatingPolicy's matchConstraints): the preferred
// version of each resource it names in each group. Subresources name requests, not stored objects, and are left
// out; a wildcard group or resource cannot be listed through a RESTMapper and is left out with a warning.
func (r *resolver) resolveResources(rr match.ResourceRule) ([]target, error) {
	var out []target
	for _, g := range rr.Groups {
		for _, res := range rr.Resources {
			if strings.Contains(res, "/") {
				continue
			}
			raw := g + "/" + res
			if g == "*" || res == "*" {
				r.warnings[raw] = fmt.Sprintf("resources %q in group %q: a wildcard is not scanned", res, g)
				continue
			}
			ts, err := r.resolveResource(raw, schema.GroupResource{Group: g, Resource: res})
			if err != nil {
				return nil, err
			}
			out = append(out, ts...)
		}
	}
	return out, nil
}

func (r *resolver) resolveResource(raw string, gr schema.GroupResource) ([]target, error) {
	if ts, ok := r.cache[raw]; ok {
		return ts, nil
	}
	gvk, err := r.mapper.KindFor(gr.WithVersion(""))
	if meta.IsNoMatchError(err) {
		r.warnings[raw] = fmt.Sprintf("resource %q in group %q is not served by the API server", gr.Resource, gr.Group)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("resolving resource %s: %w", gr, err)
	}
	pref, err := r.mapper.RESTMapping(gvk.GroupKind())
	if err != nil {
		return nil, fmt.Errorf("resolving kind %s: %w", gvk.GroupKind(), err)
	}
	ts := []target{{gvr: pref.Resource, gvk: pref.GroupVersionKind,
		namespaced: pref.Scope == nil || pref.Scope.Name() != meta.RESTScopeNameRoot}}
	r.cache[raw] = ts
	return ts, nil
}

// resolve returns the targets of one selector: the preferred version of every kind it names.
func (r *resolver) resolve(sel match.KindSelector) ([]target, error) {
	if ts, ok := r.cache[sel.Raw]; ok {
		return ts, nil
	}
	mappings, warning, err := registration.Mappings(r.mapper, sel)
	if err != nil {
		return nil, err
	}
	if warning != "" {
		r.warnings[sel.Raw] = warning
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
	r.cache[sel.Raw] = ts
	return ts, nil
}
