package mutate

import "strings"

// Kyverno resolves the anchors of an overlay against the resource before it merges. The anchors only read the
// fields the overlay names, so StrategicMerge resolves them against a view of the resource that holds just those:
// at each map the overlay walks into, the keys the overlay names (an anchored key by the key it anchors); under a
// list of objects, each element's `name` (which the resolution binds overlay elements to) and the fields any overlay
// element names. The values of anchors, and every other value, are taken whole.

// anchorView returns the view of resource map res that the anchors of overlay map o can read.
func anchorView(res, o map[string]any) map[string]any {
	out := make(map[string]any, len(o))
	take := func(key string) {
		if rv, ok := res[key]; ok {
			out[key] = rv
		}
	}
	var plain []string
	for k := range o {
		if a := parseAnchor(k); a.kind != 0 {
			take(k)
			take(a.key)
			continue
		}
		plain = append(plain, k)
	}
	for _, k := range plain {
		rv, ok := res[k]
		if _, whole := out[k]; whole || !ok {
			continue
		}
		out[k] = fieldView(rv, o[k])
	}
	return out
}

// fieldView is the view of resource value rv for overlay value ov: cut down when both are maps, or lists of
// objects, otherwise rv whole.
func fieldView(rv, ov any) any {
	switch rt := rv.(type) {
	case map[string]any:
		if om, ok := ov.(map[string]any); ok {
			return anchorView(rt, om)
		}
	case []any:
		if ol, ok := ov.([]any); ok {
			if named, ok := elementFields(ol); ok {
				return elementsView(rt, named)
			}
		}
	}
	return rv
}

// elementFields returns the keys any element of overlay list o names, plus `name`; false when some element is not
// an object.
func elementFields(o []any) (map[string]any, bool) {
	named := map[string]any{"name": nil}
	for _, e := range o {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		for k := range m {
			named[k] = nil
		}
	}
	return named, true
}

// elementsView cuts each object of resource list res down to the named fields (taken whole); other elements are
// kept as they are.
func elementsView(res []any, named map[string]any) []any {
	out := make([]any, len(res))
	for i, e := range res {
		if m, ok := e.(map[string]any); ok {
			e = anchorView(m, named)
		}
		out[i] = e
	}
	return out
}

// hasDirective reports a map holding a `$` key (`$patch`, `$retainKeys`, `$setElementOrder/...`).
func hasDirective(m map[string]any) bool {
	for k := range m {
		if strings.HasPrefix(strings.TrimSpace(k), "$") {
			return true
		}
	}
	return false
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	default:
		return true
	}
}

// scalarText is a scalar as the YAML node of the merge holds it.
func scalarText(v any) (string, bool) {
	if !isScalar(v) {
		return "", false
	}
	n, err := toNode(v)
	if err != nil {
		return "", false
	}
	return n.Value, true
}
