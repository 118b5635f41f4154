package mutate

import (
	"errors"
	"fmt"

	yaml "go.yaml.in/yaml/v3"

	"github.com/bylaw-dev/bylaw/engine/pattern"
)

// preprocess resolves the anchors of the overlay node tree p against the resource r, in place, and then prunes what
// is left of them, as Kyverno does before it merges. An unwrapped *anchorError means the rule does not apply.
func preprocess(p, r *yaml.Node) error {
	if err := resolve(p, r); err != nil {
		return err
	}
	return pruneTop(p)
}

// resolve walks overlay node p with the resource node r at the same place (nil when the resource lacks it).
func resolve(p, r *yaml.Node) error {
	switch p.Kind {
	case yaml.MappingNode:
		return resolveMap(p, r)
	case yaml.SequenceNode:
		return resolveList(p, r)
	default:
		return nil
	}
}

// resolveMap resolves the add-if-not-present anchors of map p, checks its global then conditional anchors, then
// walks every other key.
func resolveMap(p, r *yaml.Node) error {
	addIfNotPresent(p, r)
	if err := checkAnchors(p, r, anchorGlobal); err != nil {
		return &anchorError{global: true, cause: err}
	}
	if err := checkAnchors(p, r, anchorCondition); err != nil {
		return &anchorError{cause: err}
	}
	for _, key := range fieldNames(p) {
		if parseAnchor(key).isMutationAnchor() {
			continue
		}
		var rv *yaml.Node
		if r != nil {
			rv = field(r, key)
		}
		if err := resolve(field(p, key), rv); err != nil {
			return err
		}
	}
	return nil
}

// addIfNotPresent drops each `+(key)` of map p whose key the resource map r has, and turns the others into plain
// keys. It returns how many such anchors p had.
func addIfNotPresent(p, r *yaml.Node) int {
	anchors := anchorsOf(p, func(a anchor) bool { return a.kind == anchorAddIfNotPresent })
	for _, a := range anchors {
		if r != nil && field(r, a.key) != nil {
			removeField(p, a.canonical())
		} else {
			renameField(p, a.canonical(), a.key)
		}
	}
	return len(anchors)
}

// checkAnchors checks the anchors of one kind in map p: the resource must have each key, and its value must match
// the anchor's value as a validate pattern, unless that value holds add-if-not-present anchors (which are then
// resolved instead, as in Kyverno).
func checkAnchors(p, r *yaml.Node, kind anchorKind) error {
	for _, a := range anchorsOf(p, func(a anchor) bool { return a.kind == kind }) {
		rv := field(r, a.key)
		if rv == nil {
			return missingKeyError(a.key)
		}
		pv := field(p, a.canonical())
		if pv == nil {
			// Kyverno crashes on an anchor written with surrounding spaces; refuse it instead.
			return fmt.Errorf("anchor key %q has surrounding spaces", a.canonical())
		}
		if addIfNotPresent(pv, rv) > 0 {
			continue
		}
		if err := matchCondition(pv, rv); err != nil {
			return fmt.Errorf("%s: %w", a.canonical(), err)
		}
	}
	return nil
}

// errNoMatch is a condition value the resource value does not match.
var errNoMatch = errors.New("resource value does not match")

// matchCondition matches resource value r against the anchor's pattern p. Like Kyverno, a scalar on either side is
// compared as its text.
func matchCondition(p, r *yaml.Node) error {
	pv, err := conditionValue(p)
	if err != nil {
		return fmt.Errorf("condition pattern: %w", err)
	}
	rv, err := conditionValue(r)
	if err != nil {
		return fmt.Errorf("resource value: %w", err)
	}
	compiled, err := pattern.Compile(literalAddAnchors(pv))
	if err != nil {
		return fmt.Errorf("condition pattern: %w", err)
	}
	if res := compiled.Match(rv); res.Status != pattern.StatusPass {
		return fmt.Errorf("%w: %s", errNoMatch, res.Message)
	}
	return nil
}

func conditionValue(n *yaml.Node) (any, error) {
	if n.Kind == yaml.ScalarNode {
		return n.Value, nil
	}
	return fromNode(n)
}

// literalAddAnchors makes the add-if-not-present keys of a condition pattern plain keys, in place: Kyverno's
// validate matcher has no such anchor and looks `+(key)` up literally, which a resource never holds. The key gets a
// NUL suffix so that engine/pattern, which reads `+(key)` as "optional", sees a plain key too.
func literalAddAnchors(v any) any {
	switch t := v.(type) {
	case map[string]any:
		var renamed []string
		for k, e := range t {
			t[k] = literalAddAnchors(e)
			if parseAnchor(k).kind == anchorAddIfNotPresent {
				renamed = append(renamed, k)
			}
		}
		for _, k := range renamed {
			t[k+"\x00"] = t[k]
			delete(t, k)
		}
	case []any:
		for i, e := range t {
			t[i] = literalAddAnchors(e)
		}
	}
	return v
}

// resolveList walks a list of objects (a list whose first element is a map); other lists hold no anchors to resolve.
func resolveList(p, r *yaml.Node) error {
	if len(p.Content) == 0 || p.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	return resolveListOfMaps(p, r)
}

// resolveListOfMaps tries each overlay element that holds anchors against every resource element. For each resource
// element it applies to (and that has a name), a copy of the element bound to that name is appended to p. As in
// Kyverno, one copy of the overlay element serves all resource elements, so what resolving did to it for one
// element carries over to the next.
func resolveListOfMaps(p, r *yaml.Node) error {
	if !isNull(r) && r.Kind != yaml.SequenceNode {
		return fmt.Errorf("wrong node kind: expected a list in the resource, got %s", kindName(r))
	}
	var resourceElements []*yaml.Node
	if !isNull(r) {
		resourceElements = r.Content
	}
	elements := append([]*yaml.Node(nil), p.Content...)
	for _, element := range elements {
		if !hasAnchors(element, anchor.isMutationAnchor) {
			continue
		}
		if err := resolveElement(p, element, resourceElements, r == nil); err != nil {
			return err
		}
	}
	return nil
}

// resolveElement resolves one anchored overlay element of list p against the resource elements; absent tells that
// the resource lacks the list altogether.
func resolveElement(p, element *yaml.Node, resourceElements []*yaml.Node, absent bool) error {
	global := hasAnchors(element, func(a anchor) bool { return a.kind == anchorGlobal })
	globalPassed := false
	var lastGlobal error
	elementCopy := deepCopy(element)
	for _, re := range resourceElements {
		if err := resolve(elementCopy, re); err != nil {
			ae, ok := asAnchorError(err)
			switch {
			case ok && !ae.global:
				continue
			case ok:
				lastGlobal = err
				continue
			default:
				return err
			}
		}
		if global {
			globalPassed = true
		} else if err := bindToName(p, elementCopy, re); err != nil {
			return fmt.Errorf("failed to update name in pattern: %w", err)
		}
	}
	if absent {
		if err := resolve(elementCopy, nil); err != nil {
			if ae, ok := asAnchorError(err); ok && !ae.global {
				return nil
			}
			return err
		}
		if global {
			globalPassed = true
		}
	}
	if !globalPassed && lastGlobal != nil {
		return lastGlobal
	}
	return nil
}

// bindToName appends to list p a copy of the resolved element, stripped of anchors and named after resource element
// re, so the merge applies it to re. Elements without a name, and copies with nothing left, are not added.
func bindToName(p, element, re *yaml.Node) error {
	name := field(re, "name")
	if isNilOrEmpty(name) {
		return nil
	}
	bound := deepCopy(element)
	empty, err := pruneAnchors(bound, true)
	if err != nil {
		return err
	}
	if empty {
		return nil
	}
	if bound.Kind != yaml.MappingNode {
		return fmt.Errorf("wrong node kind: expected a map, got %s", kindName(bound))
	}
	nameCopy := *name
	setField(bound, "name", &nameCopy)
	p.Content = append(p.Content, bound)
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return "a scalar"
	default:
		return "an empty node"
	}
}
