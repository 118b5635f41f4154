package pattern

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMatchValue(t *testing.T) {
	tests := []struct {
		value   any
		pattern any
		want    bool
	}{
		// booleans
		{true, true, true},
		{true, false, false},
		{false, false, true},
		{nil, false, false},
		{"false", false, false},
		{false, "false", true}, // a string pattern matches a typed value by its text
		{true, "false", false},
		{true, "!false", true},
		{false, "true | false", true},
		// null pattern
		{nil, nil, true},
		{"", nil, true},
		{0.0, nil, true},
		{0, nil, true},
		{int64(0), nil, true},
		{false, nil, true},
		{"value", nil, false},
		{1.0, nil, false},
		{true, nil, false},
		{map[string]any{}, nil, false},
		{[]any{}, nil, false},
		// integer patterns
		{10, 10, true},
		{8, 10, false},
		{int64(10), int64(10), true},
		{int64(8), 10, false},
		{8.0, 8, true},
		{8.1, 8, false},
		{"8", 8, true},
		{"8.1", 8, false},
		{false, 8, false},
		// float patterns
		{7.9914, 7.9914, true},
		{7.9914, 7.99141, false},
		{7, 7.0, true},
		{int64(8), 8.0, true},
		{int64(8), 8.1, false},
		{8, 8.1, false},
		{"8", 8.0, true},
		{"8.1", 8.1, true},
		{"abc", 8.1, false},
		{false, 8.0, false},
		// maps and lists as leaves
		{map[string]any{"a": true}, map[string]any{"b": false}, true},
		{"a", map[string]any{}, false},
		{nil, []any{}, false},
		// wildcards
		{"nginx", "*", true},
		{"", "*", true},
		{"", "?*", false},
		{"x", "?*", true},
		{nil, "*", false},
		{nil, "?*", false},
		{map[string]any{}, "*", false},
		{"ghcr.io/myorg/app:1", "ghcr.io/myorg/*", true},
		{"docker.io/app:1", "ghcr.io/myorg/*", false},
		{"abc", "a?c", true},
		{"ac", "a?c", false},
		{"10.100.11.54", "192.168.88.1 | 10.100.11.*", true},
		{"runtime/default", "runtime/default | localhost/*", true},
		{"localhost/prof", "runtime/default | localhost/*", true},
		{"unconfined", "runtime/default | localhost/*", false},
		// empty string and literal whole-pattern matches
		{"", "", true},
		{"x", "", false},
		{nil, "", false},
		{"a|b", "a|b", true},
		{"!5.10.84-1", "!5.10.84-1", true},
		// not equal
		{"5.16.5-arch1-1", "!5.10.84-1", true},
		{"5.10.84-1", "!5.10.84-1", false},
		{"5.16.5-arch1-1", "!5.10.84-1 & !5.15.2-1", true},
		{"5.15.2-1", "!5.10.84-1 & !5.15.2-1", false},
		{"default", "!default", false},
		{"prod", "!default", true},
		{nil, "!default", false}, // a missing value is not text, so `!` does not hold
		{"nginx:1.2", "!*:latest", true},
		{"nginx:latest", "!*:latest", false},
		{"a=b", "!*+* & !*=*", false},
		{"ab", "!*+* & !*=*", true},
		// numeric operators on numbers, numeric strings and null (null counts as 0)
		{4, ">= 3", true},
		{"10", ">1 & <20", true},
		{"32", ">1 & <20 | >31 & <33", true},
		{"21", ">1 & <20 | >31 & <33", false},
		{1, ">0", true},
		{0, ">0", false},
		{nil, ">0", false},
		{nil, "<5", true},
		{-1.5, "<0", true},
		{7.00001, ">7.000001", true},
		{7.00001, "!7", true},
		{7.0, "7", true},
		{6.000000001, "<6", false}, // floats are rendered with six decimals first, as in Kyverno
		{"abc", ">1", false},
		{"abc", "<=1h", false},
		{"nginx", ">nginx", false}, // ordering operators never compare text
		// quantities
		{"1024Gi", "1024Gi", true},
		{"1024Mi", "1Gi", true},
		{"0.2", "200m", true},
		{"2048", "1024", false},
		{1024, "1024", true},
		{int64(1024), "1024", true},
		{"1Gi", ">1000Mi", true},
		{"1G", "<1Gi", true},
		{"500m", ">=0.5", true},
		{"1", ">=500m", true},
		{"0.2", "<=.5", true},
		{"500m", ">=0.6", false},
		{"2Gi", "<=1Gi", false},
		{"512Mi", "<=1Gi", true},
		{1, "<=1500m", true},
		{2, "<=1500m", false},
		{"1024Gi", "", false},
		{"gii", "1024Gi", false},
		// durations
		{"12s", "12s", true},
		{"12s", "!15s", true},
		{"12s", "<15s", true},
		{"15s", "<=12s", false},
		{"15s", ">12s", true},
		{"1h30m", ">=90m", true},
		{"30m", "<=1h", true},
		{"2h", "<=1h", false},
		{nil, "<=1h", true}, // null is 0
		{0, "0s", true},
		{"500m", ">1m", true}, // durations are tried before quantities: 500 minutes > 1 minute
		// ranges
		{0, "0-2", true},
		{2, "0-2", true},
		{3, "0-2", false},
		{0, "10!-20", true},
		{15, "10!-20", false},
		{25, "10!-20", true},
		{0, "0.00001-2.00001", false},
		{1, "0.00001-2.00001", true},
		{2.0001, "0.00001-2.00001", false},
		{2.0001, "0.00001!-2.00001", true},
		{2, "2-2", true},
		{2, "2!-2", false},
		{"256Mi", "128Mi-512Mi", true},
		{"1024Mi", "128Mi-512Mi", false},
		{"64Mi", "128Mi!-512Mi", true},
		{-9, "-10-8", true},
		{9, "-10--8", false},
		{9, "-10!--8", true},
		{-9, "-10!--8", false},
		{"9Mi", "-10Mi!--8Mi", true},
		{0, "-10-+8", true},
		{"10Mi", "+0Mi-+1024Mi", true},
		{32500, "32000-33000", true},
		{31000, "32000-33000", false},
		{"45m", "30m-1h", true},
		{"2h", "30m-1h", false},
		{"2h", "30m!-1h", true},
		{"!1-5", "!1-5", true}, // `!` is checked before ranges: "!1-5" is "not equal to 1-5"
		{3, "!1-5", true},
		// leftover variables are text
		{"{{ request.object.metadata.name }}", "{{ request.object.metadata.name }}", true},
		{"x", "{{request.object.metadata.name}}", false},
	}
	for _, tt := range tests {
		name := fmt.Sprintf("%#v~%#v", tt.value, tt.pattern)
		assert.Equal(t, tt.want, MatchValue(tt.value, tt.pattern), name)
		vp, err := CompileValue(tt.pattern)
		require.NoError(t, err, name)
		assert.Equal(t, tt.want, vp.Match(tt.value), name)
	}
}

func TestMatchValueUnsupportedPattern(t *testing.T) {
	assert.False(t, MatchValue(int32(1), int32(1)))
	_, err := CompileValue(struct{}{})
	require.ErrorIs(t, err, ErrUnsupportedType)
}

func TestCompileTerm(t *testing.T) {
	tests := []struct {
		cond    string
		op      operator
		operand string
		isDur   bool
		isQty   bool
	}{
		{">=3", opMoreEqual, "3", false, true},
		{">= 3", opMoreEqual, "3", false, true},
		{"<=1Gi", opLessEqual, "1Gi", false, true},
		{"<1h", opLess, "1h", true, false},
		{">0", opMore, "0", true, true},
		{"!foo", opNotEqual, "foo", false, false},
		{"!", opEqual, "!", false, false},
		{">", opEqual, ">", false, false},
		{"1m", opEqual, "1m", true, true},
		{"*", opEqual, "*", false, false},
		{"", opEqual, "", false, false},
		{"1-5", opInRange, "1-5", false, false},
		{"1!-5", opNotInRange, "1!-5", false, false},
		{"1-2-3", opEqual, "1-2-3", false, false},
		{"a-b", opEqual, "a-b", false, false},
		{"1.-2", opEqual, "1.-2", false, false},
	}
	for _, tt := range tests {
		got := compileTerm(tt.cond)
		assert.Equal(t, tt.op, got.op, tt.cond)
		assert.Equal(t, tt.operand, got.operand, tt.cond)
		assert.Equal(t, tt.isDur, got.isDur, tt.cond)
		assert.Equal(t, tt.isQty, got.isQty, tt.cond)
	}
}

func TestSplitRangeBounds(t *testing.T) {
	tests := []struct {
		cond, lo, hi string
		negated, ok  bool
	}{
		{"1-5", "1", "5", false, true},
		{"1.5Gi-2Gi", "1.5Gi", "2Gi", false, true},
		{"-10--8", "-10", "-8", false, true},
		{"+0!-+1", "+0", "+1", true, true},
		{"1h!-2h", "1h", "2h", true, true},
		{"1-", "", "", false, false},
		{"-1", "", "", false, false},
		{"x-1", "", "", false, false},
		{"1-1-1", "", "", false, false},
	}
	for _, tt := range tests {
		lo, hi, negated, ok := splitRange(tt.cond)
		assert.Equal(t, []any{tt.lo, tt.hi, tt.negated, tt.ok}, []any{lo, hi, negated, ok}, tt.cond)
	}
}
