package conditions

import (
	"encoding/json"

	"github.com/bylaw-dev/bylaw/engine/wildcard"
)

// setOp is how a list key relates to the value's members.
type setOp uint8

const (
	anyIn    setOp = iota // some key is a member
	allIn                 // every key is a member
	anyNotIn              // some key is not a member
	allNotIn              // no key is a member
)

// setRule describes one set operator.
type setRule struct {
	list   setOp // for a list key
	negate bool  // for a scalar key: the operator asks for absence
	legacy bool  // deprecated In/NotIn: no ranges, a string value must be a JSON array
}

// setRuleOf returns the rule of a set operator.
func setRuleOf(op Operator) setRule {
	switch op {
	case AllIn:
		return setRule{list: allIn}
	case In:
		return setRule{list: allIn, legacy: true}
	case AnyNotIn:
		return setRule{list: anyNotIn, negate: true}
	case AllNotIn:
		return setRule{list: allNotIn, negate: true}
	case NotIn:
		return setRule{list: anyNotIn, negate: true, legacy: true}
	default:
		return setRule{list: anyIn}
	}
}

// stackMembers is how many members are rendered without a heap allocation.
const stackMembers = 8

// membership implements the set operators for a scalar or list key.
func membership(r setRule, key, value any) bool {
	switch k := key.(type) {
	case []any:
		var buf [stackMembers]string
		return listMembership(r, texts(k, buf[:0]), value)
	default:
		if !isTextScalar(key) {
			return false
		}
		found, ok := scalarMember(text(key), value, r.legacy)
		return ok && found != r.negate
	}
}

// scalarMember reports whether k is a member of value; ok is false when value is not a set Kyverno understands.
func scalarMember(k string, value any, legacy bool) (found, ok bool) {
	switch v := value.(type) {
	case []any:
		for _, m := range v {
			if matchEither(k, text(m)) {
				return true, true
			}
		}
		return false, true
	case string:
		if wildcard.Match(v, k) {
			return true, true
		}
		if r, isRange := parseRange(v); isRange && !legacy {
			return r.contains(k), true
		}
		items, literal, ok := jsonItems(v)
		if !ok || literal && legacy {
			return false, false
		}
		for _, item := range items {
			if item == k {
				return true, true
			}
		}
		return false, true
	default:
		return false, false
	}
}

// listMembership applies the rule's list operation to keys against value's members.
func listMembership(r setRule, keys []string, value any) bool {
	switch v := value.(type) {
	case []any:
		var buf [stackMembers]string
		return r.list.apply(keys, texts(v, buf[:0]))
	case string:
		if len(keys) == 1 && keys[0] == v {
			return r.list == anyIn || r.list == allIn
		}
		if rg, isRange := parseRange(v); isRange && !r.legacy {
			return r.list.applyRange(keys, rg)
		}
		items, literal, ok := jsonItems(v)
		switch {
		case !ok || literal && r.legacy:
			return false
		case literal:
			single := [1]string{v}
			return r.list.apply(keys, single[:])
		default:
			return r.list.apply(keys, items)
		}
	case int, int32, int64, float32, float64, bool:
		if r.legacy || r.list == allIn || r.list == allNotIn {
			return false
		}
		single := [1]string{text(v)}
		return r.list.apply(keys, single[:])
	default:
		return false
	}
}

// apply evaluates the operation for keys against members; matching is by wildcard in either direction.
func (op setOp) apply(keys, members []string) bool {
	switch op {
	case anyIn:
		for _, k := range keys {
			if anyMatch(k, members) {
				return true
			}
		}
		return false
	case allIn:
		for _, k := range keys {
			if !anyMatch(k, members) {
				return false
			}
		}
		return true
	case anyNotIn:
		for _, k := range keys {
			if !anyMatch(k, members) {
				return true
			}
		}
		return false
	default: // allNotIn
		for _, k := range keys {
			if anyMatch(k, members) {
				return false
			}
		}
		return true
	}
}

// applyRange evaluates the operation for keys against a range value.
func (op setOp) applyRange(keys []string, r valueRange) bool {
	for _, k := range keys {
		switch {
		case op == anyIn && r.contains(k), op == anyNotIn && r.excludes(k):
			return true
		case op == allIn && !r.contains(k), op == allNotIn && r.contains(k):
			return false
		}
	}
	return op == allIn || op == allNotIn
}

// anyMatch reports whether k matches one of members.
func anyMatch(k string, members []string) bool {
	for _, m := range members {
		if matchEither(k, m) {
			return true
		}
	}
	return false
}

// matchEither reports whether a matches b with either one taken as the wildcard pattern.
func matchEither(a, b string) bool {
	return wildcard.Match(a, b) || wildcard.Match(b, a)
}

// texts renders items with [text], appending to buf.
func texts(items []any, buf []string) []string {
	for _, item := range items {
		buf = append(buf, text(item))
	}
	return buf
}

// jsonItems reads a string value holding a JSON array of strings (a ConfigMap entry). literal is true when the
// string is not JSON at all: Kyverno then takes it as the single member it is (or, for In/NotIn, rejects it). ok is
// false when the string is JSON but not an array of strings.
func jsonItems(s string) (items []string, literal, ok bool) {
	if !mayBeJSON(s) || !json.Valid([]byte(s)) {
		return nil, true, true
	}
	if err := json.Unmarshal([]byte(s), &items); err != nil {
		return nil, false, false
	}
	return items, false, true
}

// mayBeJSON is a cheap necessary condition for s to be a JSON document: its first non-space byte starts a value.
func mayBeJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case '{', '[', '"', '-', 't', 'f', 'n', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			return true
		default:
			return false
		}
	}
	return false
}
