package jmespath

import (
	"encoding/json"
)

// asList returns v as []any when it is a list of a supported element type.
func asList(v any) ([]any, bool) {
	switch l := v.(type) {
	case []any:
		return l, true
	case []string:
		out := make([]any, len(l))
		for n, s := range l {
			out[n] = s
		}
		return out, true
	case []map[string]any:
		out := make([]any, len(l))
		for n, m := range l {
			out[n] = m
		}
		return out, true
	}
	return nil, false
}

// toFloat converts any Go number (and json.Number) to float64.
func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case float32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint:
		return float64(n), true
	case int16:
		return float64(n), true
	case int8:
		return float64(n), true
	case uint16:
		return float64(n), true
	case uint8:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// canonical returns v with every number as float64, every object as
// map[string]any and every list as []any, the form JMESPath functions
// expect. It copies only what changes; changed reports whether it did.
func canonical(v any) (out any, changed bool) {
	switch t := v.(type) {
	case nil, string, bool, float64:
		return v, false
	case map[string]any:
		return canonicalMap(t)
	case []any:
		return canonicalList(t)
	case map[string]string:
		m := make(map[string]any, len(t))
		for k, s := range t {
			m[k] = s
		}
		return m, true
	case []string, []map[string]any:
		list, _ := asList(t)
		out, _ := canonicalList(list)
		return out, true
	}
	if f, ok := toFloat(v); ok {
		return f, true
	}
	return v, false
}

func canonicalMap(m map[string]any) (any, bool) {
	var copied map[string]any
	for k, v := range m {
		nv, changed := canonical(v)
		if !changed {
			continue
		}
		if copied == nil {
			copied = make(map[string]any, len(m))
			for ck, cv := range m {
				copied[ck] = cv
			}
		}
		copied[k] = nv
	}
	if copied == nil {
		return m, false
	}
	return copied, true
}

func canonicalList(l []any) (any, bool) {
	var copied []any
	for n, v := range l {
		nv, changed := canonical(v)
		if !changed {
			continue
		}
		if copied == nil {
			copied = make([]any, len(l))
			copy(copied, l)
		}
		copied[n] = nv
	}
	if copied == nil {
		return l, false
	}
	return copied, true
}

// jsonEqual compares two JSON values; numbers compare by value whatever
// their Go type.
func jsonEqual(a, b any) bool {
	if fa, ok := toFloat(a); ok {
		fb, ok := toFloat(b)
		return ok && fa == fb
	}
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	}
	if la, ok := asList(a); ok {
		lb, ok := asList(b)
		return ok && listsEqual(la, lb)
	}
	ma, ok := asObject(a)
	if !ok {
		return false
	}
	mb, ok := asObject(b)
	return ok && objectsEqual(ma, mb)
}

func listsEqual(a, b []any) bool {
	if len(a) != len(b) {
		return false
	}
	for n := range a {
		if !jsonEqual(a[n], b[n]) {
			return false
		}
	}
	return true
}

func objectsEqual(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !jsonEqual(va, vb) {
			return false
		}
	}
	return true
}

// asObject returns v as map[string]any when it is an object.
func asObject(v any) (map[string]any, bool) {
	switch m := v.(type) {
	case map[string]any:
		return m, true
	case map[string]string:
		out, _ := canonical(m)
		return out.(map[string]any), true
	}
	return nil, false
}
