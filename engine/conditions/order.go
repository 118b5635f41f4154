package conditions

import (
	"strconv"
	"time"

	"github.com/blang/semver/v4"
)

// order is the comparison of an ordering operator, resolved once from the Operator.
type order uint8

const (
	greater order = iota
	greaterOrEqual
	less
	lessOrEqual
)

// orderOf maps an ordering operator (plain or Duration) to its comparison.
func orderOf(op Operator) order {
	switch op {
	case GreaterThanOrEquals, DurationGreaterThanOrEquals:
		return greaterOrEqual
	case LessThan, DurationLessThan:
		return less
	case LessThanOrEquals, DurationLessThanOrEquals:
		return lessOrEqual
	default:
		return greater
	}
}

// floats compares a with b; any comparison with NaN is false.
func (o order) floats(a, b float64) bool {
	switch o {
	case greater:
		return a > b
	case greaterOrEqual:
		return a >= b
	case less:
		return a < b
	default:
		return a <= b
	}
}

// holds reports whether a three-way comparison result (-1, 0, 1) satisfies the order.
func (o order) holds(cmp int) bool {
	switch o {
	case greater:
		return cmp > 0
	case greaterOrEqual:
		return cmp >= 0
	case less:
		return cmp < 0
	default:
		return cmp <= 0
	}
}

// durations compares two durations.
func (o order) durations(a, b time.Duration) bool {
	switch o {
	case greater:
		return a > b
	case greaterOrEqual:
		return a >= b
	case less:
		return a < b
	default:
		return a <= b
	}
}

// compareOrdered implements GreaterThan, GreaterThanOrEquals, LessThan and LessThanOrEquals.
func compareOrdered(o order, key, value any) bool {
	switch k := key.(type) {
	case int:
		return compareNumberKey(o, float64(k), key, value)
	case int64:
		return compareNumberKey(o, float64(k), key, value)
	case float64:
		return compareNumberKey(o, k, key, value)
	case string:
		return compareStringKey(o, k, value)
	default:
		return false
	}
}

// compareNumberKey compares a number key (k, and key as given, for duration seconds) with a number, a duration
// string or a numeric string.
func compareNumberKey(o order, k float64, key, value any) bool {
	switch v := value.(type) {
	case int:
		return o.floats(k, float64(v))
	case int64:
		return o.floats(k, float64(v))
	case float64:
		return o.floats(k, v)
	case string:
		if kd, vd, ok := durationOperands(key, v); ok {
			return o.floats(kd.Seconds(), vd.Seconds())
		}
		f, err := strconv.ParseFloat(v, 64)
		return err == nil && o.floats(k, f)
	default:
		return false
	}
}

// compareStringKey compares a string key as a duration, a quantity, a number and finally a semantic version, taking
// the first reading that works, as Kyverno does.
func compareStringKey(o order, k string, value any) bool {
	if kd, vd, ok := durationOperands(k, value); ok {
		return o.floats(kd.Seconds(), vd.Seconds())
	}
	v, vIsString := value.(string)
	if vIsString {
		if kq, ok := parseQuantity(k); ok {
			if vq, ok := parseQuantity(v); ok {
				return o.holds(kq.Cmp(vq))
			}
		}
	}
	if f, err := strconv.ParseFloat(k, 64); err == nil {
		return compareNumberKey(o, f, f, value)
	}
	kv, err := semver.Parse(k)
	if err != nil || !vIsString {
		return false
	}
	vv, err := semver.Parse(v)
	return err == nil && o.holds(kv.Compare(vv))
}

// compareDurations implements the deprecated Duration operators: both sides are durations, numbers being seconds.
func compareDurations(o order, key, value any) bool {
	kd, ok := durationOrSeconds(key)
	if !ok {
		return false
	}
	vd, ok := durationOrSeconds(value)
	return ok && o.durations(kd, vd)
}

// durationOrSeconds reads a duration string (a bare "0" included) or a number of seconds.
func durationOrSeconds(x any) (time.Duration, bool) {
	if s, ok := x.(string); ok {
		return parseDuration(s)
	}
	return seconds(x)
}
