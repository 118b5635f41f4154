package mutate

import (
	"errors"
	"fmt"

	yaml "go.yaml.in/yaml/v3"
)

// errKyvernoCrash marks an overlay on which Kyverno v1.19 itself crashes while pruning anchored list elements.
var errKyvernoCrash = errors.New("overlay not supported: Kyverno fails on it")

// pruneTop removes from the top map of the overlay every field that only held anchors (a top-level anchored scalar
// included). Kyverno strips no anchor from the top-level keys themselves.
func pruneTop(p *yaml.Node) error {
	if p.Kind != yaml.MappingNode {
		return fmt.Errorf("wrong node kind: expected a map overlay, got %s", kindName(p))
	}
	for _, key := range fieldNames(p) {
		v := field(p, key)
		if v == nil {
			continue
		}
		gone, err := pruneAnchors(v, parseAnchor(key).isCondition())
		if err != nil {
			return err
		}
		if gone {
			removeField(p, key)
		}
	}
	return nil
}

// pruneAnchors removes conditional and global anchors below n and reports whether n itself should go: a scalar when
// dropScalar is set (it is the value of an anchor), a map left without fields, a list emptied by the pruning.
func pruneAnchors(n *yaml.Node, dropScalar bool) (bool, error) {
	switch n.Kind {
	case yaml.MappingNode:
		return pruneMap(n)
	case yaml.SequenceNode:
		return pruneList(n)
	case yaml.ScalarNode:
		return dropScalar, nil
	default:
		return false, nil
	}
}

// pruneMap drops anchored keys whose values hold nothing else, turns the remaining anchored keys into plain keys,
// then drops plain keys whose values were emptied. It reports whether no key is left.
func pruneMap(n *yaml.Node) (bool, error) {
	kept := false
	for _, a := range anchorsOf(n, anchor.isCondition) {
		v := field(n, a.canonical())
		if v == nil {
			return false, fmt.Errorf("%w: anchor key %q has surrounding spaces", errKyvernoCrash, a.canonical())
		}
		gone, err := pruneAnchors(v, true)
		if err != nil {
			return false, err
		}
		if gone {
			removeField(n, a.canonical())
		} else {
			kept = true
		}
	}
	if kept {
		for _, a := range anchorsOf(n, anchor.isCondition) {
			renameField(n, a.canonical(), a.key)
		}
	}
	empty := true
	for _, key := range fieldNames(n) {
		gone, err := pruneAnchors(field(n, key), false)
		if err != nil {
			return false, err
		}
		if gone {
			removeField(n, key)
		} else {
			empty = false
		}
	}
	return empty, nil
}

// pruneList removes elements that hold any mutation anchor, and elements emptied by pruning. It reports whether the
// list was emptied (a list that was already empty stays).
//
// Kyverno removes the element at the position it had before earlier removals, so after a first removal it drops the
// wrong elements; this is reproduced, and the case where Kyverno crashes is reported as errKyvernoCrash.
func pruneList(n *yaml.Node) (bool, error) {
	elements := append([]*yaml.Node(nil), n.Content...)
	for i, element := range elements {
		drop := true
		if !hasAnchors(element, anchor.isMutationAnchor) {
			gone, err := pruneAnchors(element, false)
			if err != nil {
				return false, err
			}
			drop = gone
		}
		if !drop {
			continue
		}
		if i >= len(n.Content) {
			return false, fmt.Errorf("%w: it removes list element %d of %d", errKyvernoCrash, i, len(n.Content))
		}
		n.Content = append(n.Content[:i], n.Content[i+1:]...)
	}
	return len(n.Content) == 0 && len(elements) > 0, nil
}

// hasAnchors reports whether n holds, at any depth, a key with an anchor accepted by is. As in Kyverno, a scalar
// value written like a conditional or global anchor counts whatever is accepts.
func hasAnchors(n *yaml.Node, is func(anchor) bool) bool {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if a := parseAnchor(n.Content[i].Value); a.kind != 0 && is(a) {
				return true
			}
			if v := field(n, n.Content[i].Value); !isNilOrEmpty(v) && hasAnchors(v, is) {
				return true
			}
		}
		return false
	case yaml.ScalarNode:
		return parseAnchor(n.Value).isCondition()
	case yaml.SequenceNode:
		for _, e := range n.Content {
			if hasAnchors(e, is) {
				return true
			}
		}
		return false
	default:
		return false
	}
}
