package pattern

import "strconv"

// listKind is how a pattern list is compared with a resource list, decided by its first element.
type listKind uint8

const (
	listEmpty      listKind = iota // always fails, as in Kyverno
	listOfMaps                     // every element must match the first map (or be skipped by its anchors)
	listOfScalars                  // every element must match the first scalar
	listPositional                 // element i must match item i
)

// listNode is a compiled pattern list.
type listNode struct {
	kind  listKind
	items []node
}

func (n *listNode) match(w walk, v any, path string) outcome {
	list, ok := v.([]any)
	if !ok {
		return w.typeMismatch(v, "array", path)
	}
	switch n.kind {
	case listOfMaps:
		return matchEach(w, list, path, n.items, true)
	case listOfScalars:
		return n.items[0].match(w, list, path)
	case listPositional:
		if len(list) < len(n.items) {
			return w.lengthMismatch(len(list), len(n.items))
		}
		return matchEach(w, list[:len(n.items)], path, n.items, false)
	default:
		return w.fail(path, "pattern array empty")
	}
}

// matchEach checks every element of list against items[0] (repeat) or against the item at its index. Elements
// skipped by anchors are ignored; any failure fails the list; when every element is skipped the list is skipped.
func matchEach(w walk, list []any, path string, items []node, repeat bool) outcome {
	applied, skips := 0, 0
	var reasons []string
	for i, element := range list {
		item := items[0]
		if !repeat {
			item = items[i]
		}
		o := item.match(w, element, w.index(path, i))
		switch o.status {
		case StatusFail:
			return o
		case StatusSkip:
			skips++
			if w.detail {
				reasons = append(reasons, o.msg)
			}
		default:
			applied++
		}
	}
	if applied == 0 && skips > 0 {
		return w.combineSkips(path, reasons)
	}
	return passed()
}

// lengthMismatch reports a resource list shorter than a positional pattern list; like Kyverno it names no path.
func (w walk) lengthMismatch(got, want int) outcome {
	if !w.detail {
		return failed()
	}
	return w.fail("", "validate array failed, array length mismatch, resource array len is "+strconv.Itoa(got)+
		" and pattern array len is "+strconv.Itoa(want))
}

// leafNode is a compiled scalar pattern value.
type leafNode struct {
	leaf leaf
}

// match checks a scalar, or every element of a list, against the leaf.
func (n *leafNode) match(w walk, v any, path string) outcome {
	if list, ok := v.([]any); ok {
		for _, element := range list {
			if !n.leaf.matches(element) {
				return w.valueMismatch(v, n.leaf.raw, path)
			}
		}
		return passed()
	}
	if !n.leaf.matches(v) {
		return w.valueMismatch(v, n.leaf.raw, path)
	}
	return passed()
}
