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
// Only the parts of the resource the overlay names are converted and merged; the rest of the result is shared with
// resource (see subtree.go). The result is the one the merge of the whole resource gives, except that parts the
// overlay does not name are kept as they are, where Kyverno would normalise lists merged by key (collapse elements
// with the same key).
func StrategicMerge(resource map[string]any, overlay map[string]any) (map[string]any, error) {
	view, cut, ok := restrictTop(resource, overlay)
	if !ok {
		return strategicMergeWhole(resource, overlay)
	}
	merged, err := strategicMergeWhole(view, overlay)
	switch {
	case errors.Is(err, ErrConditionNotMet):
		return nil, err
	case err != nil:
		// Report the error the whole merge gives: it may name a part of the resource the view left out.
		return strategicMergeWhole(resource, overlay)
	}
	if out, ok := graftMap(resource, cut, merged); ok {
		return out, nil
	}
	return strategicMergeWhole(resource, overlay)
}

// strategicMergeWhole converts the whole resource and overlay to YAML nodes, resolves the anchors and merges with
// kustomize: the reference StrategicMerge must agree with on the parts the overlay names.
func strategicMergeWhole(resource map[string]any, overlay map[string]any) (map[string]any, error) {
	base, err := mapToNode(resource)
	if err != nil {
		return nil, fmt.Errorf("strategic merge: resource: %w", err)
	}
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
	return mergeNodes(base, patch)
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
