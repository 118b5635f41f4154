package conditions

import (
	"github.com/bylaw-dev/bylaw/engine/wildcard"

	"math"
	"reflect"
	"strconv"
)

// equals implements Equals: the key's type decides how the value is read.
func equals(key, value any) bool {
	switch k := key.(type) {
	case bool:
		v, ok := value.(bool)
		return ok && k == v
	case int:
		return intEquals(int64(k), value)
	case int64:
		return intEquals(k, value)
	case float64:
		return floatEquals(k, value)
	case string:
		return stringEquals(k, value)
	case map[string]any:
		v, ok := value.(map[string]any)
		return ok && deepEqual(k, v)
	case []any:
		v, ok := value.([]any)
		return ok && deepEqual(k, v)
	default:
		return false
	}
}

// notEquals implements NotEquals: the negation of Equals for the key types Equals supports, false otherwise.
func notEquals(key, value any) bool {
	switch key.(type) {
	case bool, int, int64, float64, string, map[string]any, []any:
		return !equals(key, value)
	default:
		return false
	}
}

// intEquals compares an integer key with a number or a base-10 integer string; a float must have no fraction.
func intEquals(k int64, value any) bool {
	switch v := value.(type) {
	case int:
		return int64(v) == k
	case int64:
		return v == k
	case float64:
		i, ok := exactInt(v)
		return ok && i == k
	case string:
		i, err := strconv.ParseInt(v, 10, 64)
		return err == nil && i == k
	default:
		return false
	}
}

// floatEquals compares a float key with a number or a float string; an integer needs a key without fraction.
func floatEquals(k float64, value any) bool {
	switch v := value.(type) {
	case int:
		i, ok := exactInt(k)
		return ok && i == int64(v)
	case int64:
		i, ok := exactInt(k)
		return ok && i == v
	case float64:
		return k == v
	case string:
		f, err := strconv.ParseFloat(v, 64)
		return err == nil && f == k
	default:
		return false
	}
}

// exactInt returns f as an int64 when it has no fraction and fits.
func exactInt(f float64) (int64, bool) {
	if f != math.Trunc(f) || f < math.MinInt64 || f >= math.MaxInt64 {
		return 0, false
	}
	return int64(f), true
}

// stringEquals compares a string key as a duration, then as a quantity, then as text against a wildcard value.
func stringEquals(k string, value any) bool {
	if kd, vd, ok := durationOperands(k, value); ok {
		return kd.Seconds() == vd.Seconds()
	}
	if kq, ok := parseQuantity(k); ok {
		switch v := value.(type) {
		case string:
			vq, ok := parseQuantity(v)
			return ok && kq.Cmp(vq) == 0
		case int, int64, float64:
			vq, ok := numberQuantity(v)
			return ok && kq.Cmp(vq) == 0
		}
	}
	v, ok := value.(string)
	return ok && wildcard.Match(v, k)
}

// deepEqual is reflect.DeepEqual for decoded JSON, without reflection for its types: same dynamic types, nil and
// empty maps and lists differ, NaN differs from itself.
func deepEqual(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case int:
		y, ok := b.(int)
		return ok && x == y
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && x == y
	case map[string]any:
		y, ok := b.(map[string]any)
		return ok && mapsEqual(x, y)
	case []any:
		y, ok := b.([]any)
		return ok && listsEqual(x, y)
	default:
		return reflect.DeepEqual(a, b)
	}
}

// mapsEqual compares two maps key by key with deepEqual.
func mapsEqual(x, y map[string]any) bool {
	if (x == nil) != (y == nil) || len(x) != len(y) {
		return false
	}
	for k, xv := range x {
		yv, ok := y[k]
		if !ok || !deepEqual(xv, yv) {
			return false
		}
	}
	return true
}

// listsEqual compares two lists element by element with deepEqual.
func listsEqual(x, y []any) bool {
	if (x == nil) != (y == nil) || len(x) != len(y) {
		return false
	}
	if len(x) > 0 && &x[0] == &y[0] {
		return true
	}
	for i := range x {
		if !deepEqual(x[i], y[i]) {
			return false
		}
	}
	return true
}
