package pattern

import (
	"strconv"
	"time"

	"github.com/bylaw-dev/bylaw/engine/wildcard"
	"k8s.io/apimachinery/pkg/api/resource"
)

// matches reports whether a resource value satisfies the term. As in Kyverno, a duration comparison is tried first,
// then a quantity comparison, and only when neither side parses as either is the value compared as text.
func (t *term) matches(v any) bool {
	switch t.op {
	case opInRange:
		return t.bounds[0].matches(v) && t.bounds[1].matches(v)
	case opNotInRange:
		return t.bounds[0].matches(v) || t.bounds[1].matches(v)
	}
	if t.isDur {
		if d, ok := durationOf(v); ok {
			return t.op.holds(compareDurations(d, t.dur))
		}
	}
	if t.isQty {
		if c, ok := compareQuantity(v, &t.qty); ok {
			return t.op.holds(c)
		}
	}
	return t.matchesText(v)
}

// matchesText compares the value's text with the operand as a wildcard; only `=` and `!` apply to text.
func (t *term) matchesText(v any) bool {
	if t.op != opEqual && t.op != opNotEqual {
		return false
	}
	s, ok := textOf(v)
	if !ok {
		return false
	}
	matched := s == t.operand
	if !matched && t.glob {
		matched = wildcard.Match(t.operand, s)
	}
	return matched == (t.op == opEqual)
}

// textOf renders a scalar as Kyverno does before a text comparison (floats in exponent form).
func textOf(v any) (string, bool) {
	switch typed := v.(type) {
	case string:
		return typed, true
	case bool:
		return strconv.FormatBool(typed), true
	case int64:
		return strconv.FormatInt(typed, 10), true
	case int:
		return strconv.Itoa(typed), true
	case float64:
		return strconv.FormatFloat(typed, 'E', -1, 64), true
	default:
		return "", false
	}
}

// durationOf reads a resource value as a duration. Kyverno renders numbers with %d or %f before parsing, so the only
// number that parses is the integer 0; null counts as 0.
func durationOf(v any) (time.Duration, bool) {
	switch typed := v.(type) {
	case nil:
		return 0, true
	case string:
		if !mayBeDuration(typed) {
			return 0, false
		}
		d, err := time.ParseDuration(typed)
		return d, err == nil
	case int64:
		return 0, typed == 0
	case int:
		return 0, typed == 0
	default:
		return 0, false
	}
}

// mayBeDuration is a cheap necessary condition for time.ParseDuration to succeed, so that ordinary strings do not pay
// for the parser's error.
func mayBeDuration(s string) bool {
	if s == "" {
		return false
	}
	first, last := s[0], s[len(s)-1]
	if !isDigit(first) && first != '.' && first != '+' && first != '-' {
		return false
	}
	return !isDigit(last) || s == "0" || s == "+0" || s == "-0"
}

func compareDurations(a, b time.Duration) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	default:
		return 0
	}
}

// compareQuantity compares a resource value, read as a quantity, with p. Null counts as 0; numbers compare by value.
func compareQuantity(v any, p *resource.Quantity) (int, bool) {
	switch typed := v.(type) {
	case nil:
		return -p.Sign(), true
	case string:
		q, err := resource.ParseQuantity(typed)
		if err != nil {
			return 0, false
		}
		return q.Cmp(*p), true
	case int64:
		return compareIntQuantity(typed, p), true
	case int:
		return compareIntQuantity(int64(typed), p), true
	case float64:
		q, err := resource.ParseQuantity(strconv.FormatFloat(typed, 'f', 6, 64))
		if err != nil {
			return 0, false
		}
		return q.Cmp(*p), true
	default:
		return 0, false
	}
}

func compareIntQuantity(n int64, p *resource.Quantity) int {
	if pv, exact := p.AsInt64(); exact {
		switch {
		case n < pv:
			return -1
		case n > pv:
			return 1
		default:
			return 0
		}
	}
	return resource.NewQuantity(n, resource.DecimalSI).Cmp(*p)
}
