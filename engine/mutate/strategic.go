package mutate

import (
	"errors"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/kustomize/kyaml/yaml/merge2"
)

// errWholeResourceDeleted is an overlay whose top-level `$patch: delete` would remove the resource itself.
var errWholeResourceDeleted = errors.New("the patch deletes the whole resource")

// StrategicMerge applies a Kyverno patchStrategicMerge overlay to resource and returns the patched copy; resource and
// overlay are never modified. Anchors are resolved first (see the package documentation): when a conditional anchor
// outside a list, or a global anchor, does not hold, the error wraps ErrConditionNotMet and nothing applies.
//
// Only the parts of the resource the overlay names are read, converted and merged; the rest of the result is shared
// with resource. The result is the one the kustomize merge of the whole resource gives, except that parts the
// overlay does not name are kept as they are, where kustomize would normalise them (collapse elements of a list
// merged by key that share their key, read numbers back as int64).
func StrategicMerge(resource map[string]any, overlay map[string]any) (map[string]any, error) {
	out, handled, err := strategicMergeNamed(resource, overlay)
	if handled {
		return out, err
	}
	return strategicMergeWhole(resource, overlay)
}

// strategicMergeNamed resolves the anchors against a view of the fields the overlay names and merges it with
// mergeNamed. It reports handled false, for the caller to merge the whole resource, when the overlay holds a
// top-level directive or mergeNamed does not reproduce the kustomize merge.
func strategicMergeNamed(resource map[string]any, overlay map[string]any) (out map[string]any, handled bool, err error) {
	if hasDirective(overlay) {
		return nil, false, nil
	}
	patch, err := resolveOverlay(anchorView(resource, overlay), overlay)
	if err != nil {
		return nil, true, err
	}
	p, err := fromNode(patch)
	if err != nil {
		return nil, false, nil
	}
	pm, ok := p.(map[string]any)
	if !ok {
		return nil, false, nil
	}
	out, ok = mergeNamed(resource, pm)
	return out, ok, nil
}

// strategicMergeWhole converts the whole resource to YAML nodes, resolves the anchors and merges with kustomize,
// walking the whole object: the reference StrategicMerge agrees with, used for what mergeNamed does not reproduce.
func strategicMergeWhole(resource map[string]any, overlay map[string]any) (map[string]any, error) {
	base, err := mapToNode(resource)
	if err != nil {
		return nil, fmt.Errorf("strategic merge: resource: %w", err)
	}
	patch, err := resolveOverlayNodes(base, overlay)
	if err != nil {
		return nil, err
	}
	return mergeNodes(base, patch)
}

// resolveOverlay resolves the anchors of overlay against resource (or a view of it holding what the anchors read).
func resolveOverlay(resource, overlay map[string]any) (*yaml.Node, error) {
	base, err := mapToNode(resource)
	if err != nil {
		return nil, fmt.Errorf("strategic merge: resource: %w", err)
	}
	return resolveOverlayNodes(base, overlay)
}

// resolveOverlayNodes converts overlay to nodes and resolves its anchors against the resource node base.
func resolveOverlayNodes(base *yaml.Node, overlay map[string]any) (*yaml.Node, error) {
	patch, err := mapToNode(overlay)
	if err != nil {
		return nil, fmt.Errorf("strategic merge: overlay: %w", err)
	}
	if err := preprocess(patch, base); err != nil {
		if _, ok := asAnchorError(err); ok {
			return nil, fmt.Errorf("strategic merge: %w: %w", ErrConditionNotMet, err)
		}
		return nil, fmt.Errorf("strategic merge: failed to preprocess the overlay: %w", err)
	}
	return patch, nil
}

// mergeNodes merges the preprocessed overlay into the resource with the kustomize merge Kyverno uses, prepending new
// list elements, and decodes the result.
func mergeNodes(base, patch *yaml.Node) (map[string]any, error) {
	merged, err := merge2.Merge(kyaml.NewRNode(patch), kyaml.NewRNode(base),
		kyaml.MergeOptions{ListIncreaseDirection: kyaml.MergeOptionsListPrepend})
	if err != nil {
		return nil, fmt.Errorf("strategic merge: %w", err)
	}
	if merged.IsNil() {
		return nil, fmt.Errorf("strategic merge: %w", errWholeResourceDeleted)
	}
	decoded, err := fromNode(merged.YNode())
	if err != nil {
		return nil, fmt.Errorf("strategic merge: decode result: %w", err)
	}
	out, ok := decoded.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("strategic merge: result is %s, not an object", kindName(merged.YNode()))
	}
	return out, nil
}
