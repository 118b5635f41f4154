package generate

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bylaw-dev/bylaw/engine/match"
)

// resourceMappings returns the mappings of the resources a resource rule names (the matchConstraints of a
// GeneratingPolicy), at the version the API server prefers. Subresources name requests, not stored objects; a
// wildcard cannot be listed through a RESTMapper; a resource the API server does not serve is skipped: each is
// returned as a warning.
func resourceMappings(mapper meta.RESTMapper, rr match.ResourceRule) ([]*meta.RESTMapping, []string, error) {
	var out []*meta.RESTMapping
	var warnings []string
	for _, g := range rr.Groups {
		for _, res := range rr.Resources {
			switch {
			case strings.Contains(res, "/"):
				continue
			case g == "*" || res == "*":
				warnings = append(warnings, fmt.Sprintf("resources %q in group %q: a wildcard is not listed", res, g))
				continue
			}
			gvk, err := mapper.KindFor(schema.GroupVersionResource{Group: g, Resource: res})
			if meta.IsNoMatchError(err) {
				warnings = append(warnings, fmt.Sprintf("resource %q in group %q is not served", res, g))
				continue
			}
			if err != nil {
				return nil, warnings, fmt.Errorf("resolving resource %s in group %q: %w", res, g, err)
			}
			m, err := mapper.RESTMapping(gvk.GroupKind())
			if err != nil {
				return nil, warnings, fmt.Errorf("resolving kind %s: %w", gvk.GroupKind(), err)
			}
			out = append(out, m)
		}
	}
	return out, warnings, nil
}
