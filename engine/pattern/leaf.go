package pattern

import (
	"fmt"
	"math"
	"strconv"
)

// leafKind is the type of a scalar pattern value.
type leafKind uint8

const (
	leafString leafKind = iota
	leafInt
	leafFloat
	leafBool
	leafNil
	leafMap  // only through MatchValue: any map matches
	leafList // only through MatchValue: nothing matches
)

// leaf is a compiled scalar pattern value.
type leaf struct {
	kind leafKind
	raw  any
	s    string
	i    int64
	f    float64
	b    bool
	alts []alternative
}

// ValuePattern is one compiled pattern leaf, for callers that compare many values with the same leaf.
type ValuePattern struct {
	l leaf
}

// CompileValue compiles one pattern leaf (a string, number, boolean, null, or a map or list, which Kyverno treats as
// "any map" and "nothing").
func CompileValue(patternLeaf any) (ValuePattern, error) {
	l, ok := compileLeaf(patternLeaf)
	if !ok {
		return ValuePattern{}, fmt.Errorf("compile value pattern: %w: %T", ErrUnsupportedType, patternLeaf)
	}
	return ValuePattern{l: l}, nil
}

// Match reports whether value satisfies the compiled leaf.
func (v ValuePattern) Match(value any) bool { return v.l.matches(value) }

// MatchValue compares one resource value with one pattern leaf with Kyverno's leaf semantics:
//
//   - a string pattern is the operator grammar described in the package documentation; a string value equal to the
//     whole pattern always matches;
//   - an integer pattern matches equal integers, integral floats and strings that parse as that integer;
//   - a float pattern matches equal floats, equal integers when it has no fraction, and strings that parse as it;
//   - a boolean pattern matches only the same boolean;
//   - a null pattern matches null, 0, 0.0, "" and false;
//   - a map pattern matches any map; a list pattern matches nothing.
//
// It parses the pattern on every call; use [CompileValue] to parse once.
func MatchValue(value any, patternLeaf any) bool {
	l, ok := compileLeaf(patternLeaf)
	return ok && l.matches(value)
}

// compileLeaf compiles a scalar pattern value; ok is false for types a decoded pattern cannot hold.
func compileLeaf(p any) (leaf, bool) {
	l := leaf{raw: p}
	switch typed := p.(type) {
	case string:
		l.kind, l.s, l.alts = leafString, typed, compileAlternatives(typed)
	case int64:
		l.kind, l.i = leafInt, typed
	case int:
		l.kind, l.i = leafInt, int64(typed)
	case float64:
		l.kind, l.f = leafFloat, typed
	case bool:
		l.kind, l.b = leafBool, typed
	case nil:
		l.kind = leafNil
	case map[string]any:
		l.kind = leafMap
	case []any:
		l.kind = leafList
	default:
		return leaf{}, false
	}
	return l, true
}

// matches reports whether a resource value satisfies the leaf.
func (l *leaf) matches(v any) bool {
	switch l.kind {
	case leafString:
		return l.matchesString(v)
	case leafInt:
		return matchesInt(v, l.i)
	case leafFloat:
		return matchesFloat(v, l.f)
	case leafBool:
		b, ok := v.(bool)
		return ok && b == l.b
	case leafNil:
		return matchesNil(v)
	case leafMap:
		_, ok := v.(map[string]any)
		return ok
	default:
		return false
	}
}

func (l *leaf) matchesString(v any) bool {
	if s, ok := v.(string); ok && s == l.s {
		return true
	}
	for _, alt := range l.alts {
		if alt.matches(v) {
			return true
		}
	}
	return false
}

func (a alternative) matches(v any) bool {
	for i := range a {
		if !a[i].matches(v) {
			return false
		}
	}
	return true
}

func matchesInt(v any, p int64) bool {
	switch typed := v.(type) {
	case int64:
		return typed == p
	case int:
		return int64(typed) == p
	case float64:
		return typed == math.Trunc(typed) && int64(typed) == p
	case string:
		n, err := strconv.ParseInt(typed, 10, 64)
		return err == nil && n == p
	default:
		return false
	}
}

func matchesFloat(v any, p float64) bool {
	switch typed := v.(type) {
	case float64:
		return typed == p
	case int64:
		return p == math.Trunc(p) && int64(p) == typed
	case int:
		return p == math.Trunc(p) && int64(p) == int64(typed)
	case string:
		f, err := strconv.ParseFloat(typed, 64)
		return err == nil && f == p
	default:
		return false
	}
}

func matchesNil(v any) bool {
	switch typed := v.(type) {
	case nil:
		return true
	case string:
		return typed == ""
	case bool:
		return !typed
	case int64:
		return typed == 0
	case int:
		return typed == 0
	case float64:
		return typed == 0
	default:
		return false
	}
}
