package registration

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bylaw-dev/bylaw/engine/match"
	"github.com/bylaw-dev/bylaw/engine/wildcard"
)

// resourceRef is one API resource (with its subresource, "pods/exec") a selector resolves to.
type resourceRef struct {
	group, version, resource string
	// clusterScoped is true for a resolved kind the server serves cluster-wide; false for namespaced kinds and for
	// wildcards, whose scope is the policy's.
	clusterScoped bool
}

// resolution is what one selector resolves to; warning is set when it resolves to less than it says.
type resolution struct {
	refs    []resourceRef
	warning string
}

// resolver resolves kind selectors with a RESTMapper, remembering each selector for the duration of one Desired call.
type resolver struct {
	mapper meta.RESTMapper
	cache  map[string]resolution
}

func newResolver(mapper meta.RESTMapper) *resolver {
	return &resolver{mapper: mapper, cache: map[string]resolution{}}
}

// resolve returns the resources a selector names. An error means the mapper failed (discovery), not that the kind
// is unknown: an unknown kind is a warning.
func (r *resolver) resolve(sel match.KindSelector) (resolution, error) {
	if res, ok := r.cache[sel.Raw]; ok {
		return res, nil
	}
	res, err := r.resolveUncached(sel)
	if err != nil {
		return resolution{}, err
	}
	r.cache[sel.Raw] = res
	return res, nil
}

func (r *resolver) resolveUncached(sel match.KindSelector) (resolution, error) {
	raw := sel.Raw
	if sel.ExactKind() == "" {
		res := resolution{refs: []resourceRef{{group: sel.Group, version: sel.Version, resource: withSub("*", sel.Subresource)}}}
		if sel.Kind != "*" {
			res.warning = fmt.Sprintf("kind %q: a kind pattern cannot be resolved, registering every resource", raw)
		}
		return res, nil
	}
	mappings, err := r.mappings(sel)
	if err != nil {
		return resolution{}, fmt.Errorf("resolving kind %q: %w", raw, err)
	}
	if len(mappings) == 0 {
		return resolution{warning: fmt.Sprintf("kind %q is not served by the API server", raw)}, nil
	}
	res := resolution{}
	for _, m := range mappings {
		res.refs = append(res.refs, resourceRef{
			group:         m.Resource.Group,
			version:       m.Resource.Version,
			resource:      withSub(m.Resource.Resource, sel.Subresource),
			clusterScoped: m.Scope != nil && m.Scope.Name() == meta.RESTScopeNameRoot,
		})
	}
	return res, nil
}

func withSub(resource, sub string) string {
	if sub == "" {
		return resource
	}
	return resource + "/" + sub
}

// mappings returns the REST mappings of every served version of the selector's kind in the groups it names.
func (r *resolver) mappings(sel match.KindSelector) ([]*meta.RESTMapping, error) {
	groups := []string{sel.Group}
	if wildcard.Has(sel.Group) {
		var err error
		if groups, err = r.groupsOf(sel.Kind); err != nil {
			return nil, err
		}
		groups = slices.DeleteFunc(groups, func(g string) bool { return !wildcard.Match(sel.Group, g) })
	}
	var out []*meta.RESTMapping
	for _, g := range groups {
		ms, err := r.mapper.RESTMappings(schema.GroupKind{Group: g, Kind: sel.Kind})
		if meta.IsNoMatchError(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("looking up %s in group %q: %w", sel.Kind, g, err)
		}
		for _, m := range ms {
			if m.GroupVersionKind.Kind == sel.Kind && wildcard.Match(sel.Version, m.GroupVersionKind.Version) {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// groupsOf returns the API groups that serve kind. A RESTMapper cannot be asked for a kind across groups, so it is asked
// for the kind's resource names, singular (the lower-case kind) and guessed plural, in every group.
func (r *resolver) groupsOf(kind string) ([]string, error) {
	plural, singular := meta.UnsafeGuessKindToResource(schema.GroupVersionKind{Kind: kind})
	var groups []string
	for _, name := range []string{singular.Resource, plural.Resource} {
		gvrs, err := r.mapper.ResourcesFor(schema.GroupVersionResource{Resource: name})
		if meta.IsNoMatchError(err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("looking up resource %q: %w", name, err)
		}
		for _, gvr := range gvrs {
			groups = append(groups, gvr.Group)
		}
	}
	slices.Sort(groups)
	return slices.Compact(groups), nil
}
