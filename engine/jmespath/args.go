package jmespath

import (
	"fmt"
	"math"
	"strconv"
)

// stringArg returns argument n (0-based) as a string.
func stringArg(fn string, args []any, n int) (string, error) {
	if n >= len(args) {
		return "", fnErrorf(fn, "%d argument is out of bounds (%d)", n+1, len(args))
	}
	s, ok := args[n].(string)
	if !ok {
		return "", argTypeError(fn, n+1, "string")
	}
	return s, nil
}

// numberArg returns argument n (0-based) as a float64, whatever its Go type.
func numberArg(fn string, args []any, n int) (float64, error) {
	if n >= len(args) {
		return 0, fnErrorf(fn, "%d argument is out of bounds (%d)", n+1, len(args))
	}
	f, ok := toFloat(args[n])
	if !ok {
		return 0, argTypeError(fn, n+1, "number")
	}
	return f, nil
}

// intNumber converts f to an int, failing for fractions and overflow.
func intNumber(f float64) (int, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) || math.Trunc(f) != f {
		return 0, fmt.Errorf("expected an integer number but got: %g", f)
	}
	if f > math.MaxInt64 || f < math.MinInt64 || float64(int(f)) != f {
		return 0, fmt.Errorf("number is outside the range of integer numbers: %g", f)
	}
	return int(f), nil
}

// textOf converts a string, number or boolean to text the way Kyverno does
// (floats are printed with float32 precision).
func textOf(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case bool:
		return strconv.FormatBool(t), true
	case int:
		return strconv.Itoa(t), true
	case int64:
		return strconv.FormatInt(t, 10), true
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 32), true
	case float32:
		return strconv.FormatFloat(float64(t), 'f', -1, 32), true
	}
	if f, ok := toFloat(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 32), true
	}
	return "", false
}
