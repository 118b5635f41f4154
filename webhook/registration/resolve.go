package registration

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/bylaw-dev/bylaw/engine/match"
)

// Mappings returns the REST mappings of every served version of the kind a selector names ("Pod", "apps/v1/Deployment",
// "*/Pod"), as the webhook rules resolve it. A selector that names no single kind (a kind pattern, a subresource) or a
// kind the API server does not serve gives no mapping and a warning that says why. An error means discovery failed.
func Mappings(mapper meta.RESTMapper, sel match.KindSelector) ([]*meta.RESTMapping, string, error) {
	raw := sel.Raw
	if sel.ExactKind() == "" || sel.Subresource != "" {
		return nil, fmt.Sprintf("kind %q names no single kind", raw), nil
	}
	ms, err := newResolver(mapper).mappings(sel)
	if err != nil {
		return nil, "", fmt.Errorf("resolving kind %q: %w", raw, err)
	}
	if len(ms) == 0 {
		return nil, fmt.Sprintf("kind %q is not served by the API server", raw), nil
	}
	return ms, "", nil
}
