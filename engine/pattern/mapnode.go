package pattern

import (
	"github.com/bylaw-dev/bylaw/engine/wildcard"
)

// mapNode is a compiled pattern map; its entries are in evaluation order.
type mapNode struct {
	entries []entry
}

// entry is one compiled key of a pattern map.
type entry struct {
	raw      string     // the key as written
	key      string     // the resource key, anchor removed
	kind     anchorKind // the key's anchor
	glob     bool       // key holds `*` or `?`
	presence bool       // a plain key whose value is exactly "*": present and non-null is enough
	nested   bool       // the value holds anchors
	value    node       // the compiled value (all kinds but existence)
	items    []*mapNode // existence: the maps one element each must match
	badItem  any        // existence: a pattern item that is not a map
}

// rank orders the entries of a map as Kyverno evaluates them: conditional, equality, negation and existence anchors
// first, then global anchors, then keys whose values hold anchors, then the rest.
func (e *entry) rank() int {
	switch {
	case e.kind.evaluatedFirst():
		return 0
	case e.kind == anchorGlobal:
		return 1
	case e.nested:
		return 2
	default:
		return 3
	}
}

func (n *mapNode) match(w walk, v any, path string) outcome {
	m, ok := v.(map[string]any)
	if !ok {
		return w.typeMismatch(v, "object", path)
	}
	for i := range n.entries {
		if o := n.entries[i].apply(w, m, path); o.status != StatusPass {
			return o
		}
	}
	return passed()
}

// apply checks the entry against the resource map m found at path. A wildcard key is checked against every resource
// key it matches; the first non-passing key in sorted order decides, so the outcome does not depend on map order.
func (e *entry) apply(w walk, m map[string]any, path string) outcome {
	if !e.glob {
		value, present := m[e.key]
		return e.applyKey(w, e.key, value, present, path)
	}
	var worstKey string
	worst, matched := passed(), false
	for key, value := range m {
		if !wildcard.Match(e.key, key) {
			continue
		}
		matched = true
		o := e.applyKey(w, key, value, true, path)
		if o.status != StatusPass && (worst.status == StatusPass || key < worstKey) {
			worst, worstKey = o, key
		}
	}
	if !matched {
		return e.applyKey(w, e.key, nil, false, path)
	}
	return worst
}

// applyKey applies the entry's anchor to one resource key.
func (e *entry) applyKey(w walk, key string, value any, present bool, path string) outcome {
	switch e.kind {
	case anchorCondition:
		return e.applyCondition(w, key, value, present, path)
	case anchorGlobal:
		if !present {
			return passed()
		}
		if o := e.value.match(w, value, w.child(path, key)); o.status != StatusPass {
			return w.skip(o, "global anchor mismatch")
		}
		return passed()
	case anchorEquality, anchorAddIfNotPresent:
		if !present {
			return passed()
		}
		return e.value.match(w, value, w.child(path, key))
	case anchorNegation:
		if !present {
			return passed()
		}
		return w.negationMatched(w.child(path, key))
	case anchorExistence:
		if !present {
			return passed()
		}
		return e.applyExistence(w, value, w.child(path, key))
	default:
		return e.applyPlain(w, key, value, path)
	}
}

func (e *entry) applyCondition(w walk, key string, value any, present bool, path string) outcome {
	if !present {
		missing := outcome{path: w.child(path, key), msg: "conditional anchor key doesn't exist in the resource"}
		return w.skip(missing, "conditional anchor mismatch")
	}
	if o := e.value.match(w, value, w.child(path, key)); o.status != StatusPass {
		return w.skip(o, "conditional anchor mismatch")
	}
	return passed()
}

// applyPlain checks a key without anchor: the key must be present and match; a "*" value only needs presence.
func (e *entry) applyPlain(w walk, key string, value any, path string) outcome {
	if e.presence {
		if value != nil {
			return passed()
		}
		return w.notFound(path, key)
	}
	return e.value.match(w, value, w.child(path, key))
}

// applyExistence checks `^(key)`: for each pattern map, at least one element of the resource list must match it.
func (e *entry) applyExistence(w walk, value any, path string) outcome {
	list, ok := value.([]any)
	switch {
	case !ok && !w.detail, e.badItem != nil && !w.detail:
		return failed()
	case !ok:
		return w.fail(path, "invalid resource type "+describeType(value)+
			": existence anchor ^() can be used only on list/array type resource")
	case e.badItem != nil:
		return w.fail(path, "invalid pattern type "+describeType(e.badItem)+": existence anchor items must be maps")
	}
	for _, item := range e.items {
		if !anyElementMatches(item, list) {
			return w.existenceFailed(path)
		}
	}
	return passed()
}

// anyElementMatches reports whether at least one element of list passes the pattern map.
func anyElementMatches(item *mapNode, list []any) bool {
	for _, element := range list {
		if item.match(walk{}, element, "").status == StatusPass {
			return true
		}
	}
	return false
}
