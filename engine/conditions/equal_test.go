package conditions

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

var equalsRows = []row{
	{name: "same string", key: "string", value: "string", want: true},
	{name: "different string", key: "string", value: "not string", want: false},
	{name: "int and int", key: 1, value: 1, want: true},
	{name: "int and int64", key: 1, value: int64(1), want: true},
	{name: "int64 and float without fraction", key: int64(1), value: 1.0, want: true},
	{name: "int and float with fraction", key: 42, value: 42.5, want: false},
	{name: "float and int", key: 42.0, value: 42, want: true},
	{name: "float with fraction and int64", key: 42.5, value: int64(42), want: false},
	{name: "int and numeric string", key: int64(42), value: "42", want: true},
	{name: "int and float string", key: 1, value: "1.0", want: false},
	{name: "float and float string", key: 1.5, value: "1.5", want: true},
	{name: "float and other float string", key: 1.0, value: "2.0", want: false},
	{name: "int and text", key: 42, value: "abc", want: false},
	{name: "huge float is no int", key: int64(math.MinInt64), value: -1e300, want: false},
	{name: "true and true", key: true, value: true, want: true},
	{name: "true and false", key: true, value: false, want: false},
	{name: "bool and bool text", key: true, value: "true", want: false},
	{name: "quantities of different units", key: "1Gi", value: "1024Mi", want: true},
	{name: "plain number and binary quantity", key: "1024", value: "1Ki", want: true},
	{name: "different quantities", key: "10Gi", value: "1024Mi", want: false},
	{name: "quantity key and number value", key: "5", value: 5, want: true},
	{name: "quantity key and other number", key: "5", value: int64(6), want: false},
	{name: "decimal quantity and int", key: "1k", value: 1000, want: true},
	{name: "fraction quantity and float", key: "0.5", value: 0.5, want: true},
	{name: "quantity key and non-quantity value", key: "100Mi", value: "not-a-quantity", want: false},
	{name: "quantity key is not a wildcard target", key: "100", value: "1*", want: false},
	{name: "equal durations", key: "1h", value: "60m", want: true},
	{name: "different durations", key: "1h", value: "30m", want: false},
	{name: "duration and seconds", key: "1h", value: 3600, want: true},
	{name: "duration and other seconds", key: "2h", value: 3600.0, want: false},
	{name: "seconds fraction truncated", key: "1s", value: 1.9, want: true},
	{name: "bare zero is not a duration", key: "0", value: "0s", want: false},
	{name: "suffix-only texts are zero quantities", key: "Mi", value: "m", want: true},
	{name: "number key and duration", key: 3600, value: "1h", want: false},
	{name: "version wildcard", key: "1.5.2", value: "1.5.*", want: true},
	{name: "different versions", key: "1.5.0", value: "1.5.5", want: false},
	{name: "star suffix", key: "kube-api-access-x7k2p", value: "kube-api-access-*", want: true},
	{name: "non-empty pattern on empty", key: "", value: "?*", want: false},
	{name: "question mark", key: "abc", value: "a?c", want: true},
	{name: "key wildcard is literal", key: "a*", value: "abc", want: false},
	{name: "text and number", key: "string", value: 1, want: false},
	{name: "equal maps", key: obj("foo", "bar", "n", obj("x", 1.0)), value: obj("foo", "bar", "n", obj("x", 1.0)), want: true},
	{name: "different maps", key: obj("foo", "bar"), value: obj("bar", "foo"), want: false},
	{name: "map and text", key: obj("foo", "bar"), value: "foo", want: false},
	{name: "equal lists", key: list("foo", "bar"), value: list("foo", "bar"), want: true},
	{name: "order matters", key: list("foo", "bar"), value: list("bar", "foo"), want: false},
	{name: "empty lists", key: []any{}, value: []any{}, want: true},
	{name: "nil list differs from empty", key: []any(nil), value: []any{}, want: false},
	{name: "deep numbers keep their types", key: list(int64(1)), value: list(1.0), want: false},
	{name: "list of maps", key: list(obj("a", "b")), value: list(obj("a", "b")), want: true},
	{name: "nil key", key: nil, value: nil, want: false},
	{name: "empty key and nil", key: "", value: nil, want: false},
}

func TestEquals(t *testing.T) {
	runRows(t, Equals, equalsRows)
}

func TestEqualAliasMatchesEquals(t *testing.T) {
	runRows(t, Equal, equalsRows)
}

var notEqualsRows = []row{
	{name: "different strings", key: "string", value: "not string", want: true},
	{name: "same string", key: "string", value: "string", want: false},
	{name: "int and float", key: 1, value: 1.0, want: false},
	{name: "int and fractional float", key: int64(5), value: 5.5, want: true},
	{name: "bool and bool text", key: true, value: "false", want: true},
	{name: "text and list", key: "DELETE", value: list("DELETE"), want: true},
	{name: "quantity and non-quantity", key: "100Mi", value: "not-a-quantity", want: true},
	{name: "quantity and equal number", key: "5", value: float64(5), want: false},
	{name: "equal durations", key: "1h", value: "60m", want: false},
	{name: "duration and seconds", key: "2h", value: 3600, want: true},
	{name: "wildcard match", key: "ghcr.io/app:1.0", value: "ghcr.io/*", want: false},
	{name: "empty service account", key: "", value: "", want: false},
	{name: "equal lists", key: list("a", "b"), value: list("a", "b"), want: false},
	{name: "different maps", key: obj("foo", "bar"), value: obj("foo", "baz"), want: true},
	{name: "nil key", key: nil, value: "", want: false},
	{name: "unsupported key type", key: int32(1), value: int32(2), want: false},
}

func TestNotEquals(t *testing.T) {
	runRows(t, NotEquals, notEqualsRows)
}

func TestNotEqualAliasMatchesNotEquals(t *testing.T) {
	runRows(t, NotEqual, notEqualsRows)
}

func TestDeepEqualAgreesWithReflect(t *testing.T) {
	shared := list(math.NaN())
	assert.True(t, deepEqual(shared, shared), "same backing array, as reflect.DeepEqual")
	assert.False(t, deepEqual(list(math.NaN()), list(math.NaN())))
	assert.False(t, deepEqual(map[string]any(nil), map[string]any{}))
	assert.False(t, deepEqual(nil, []any(nil)))
	assert.True(t, deepEqual(int32(3), int32(3)), "other types fall back to reflect")
}
