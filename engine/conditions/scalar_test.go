package conditions

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestTextMatchesSprint(t *testing.T) {
	values := []any{
		"s", "", true, false, 0, -7, int32(12), int64(math.MaxInt64), 1.0, 1.5, -0.0, 1e6, 1e21, 1e-7, 123456789.125,
		float32(0.1), math.Inf(1), math.NaN(), nil, list("a", 1.0), obj("b", 2, "a", 1),
	}
	for _, v := range values {
		assert.Equal(t, fmt.Sprint(v), text(v), "%#v", v)
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		in        string
		low, high string
		ok        bool
	}{
		{in: "1-10", low: "1", high: "10", ok: true},
		{in: "-5-10", low: "-5", high: "10", ok: true},
		{in: "5--10", low: "5", high: "-10", ok: true},
		{in: "+1.5-2.25", low: "+1.5", high: "2.25", ok: true},
		{in: "100m-2", low: "100m", high: "2", ok: true},
		{in: "1h-2h", low: "1h", high: "2h", ok: true},
		{in: "|5-10", low: "|5", high: "10", ok: true},
		{in: "1e-5", low: "1e", high: "5", ok: true},
		{in: "1-2-3"},
		{in: "1-"},
		{in: "-1"},
		{in: "a-b"},
		{in: "1.-2"},
		{in: "1!-2"},
		{in: ">1-2"},
		{in: ""},
	}
	for _, tt := range tests {
		r, ok := parseRange(tt.in)
		assert.Equal(t, tt.ok, ok, "%q", tt.in)
		if tt.ok {
			assert.Equal(t, valueRange{raw: tt.in, low: tt.low, high: tt.high}, r)
		}
	}
}

func TestRangeBounds(t *testing.T) {
	r, ok := parseRange("1-10")
	assert.True(t, ok)
	assert.True(t, r.contains("1"))
	assert.True(t, r.contains("10"))
	assert.True(t, r.contains("1-10"), "the range text itself counts, as in Kyverno")
	assert.False(t, r.contains("10.5"))
	assert.True(t, r.excludes("0.999"))
	assert.True(t, r.excludes("1!-10"))
	assert.False(t, r.excludes("5"))
	assert.False(t, r.excludes("x"), "text is neither inside nor outside")
	assert.False(t, r.contains("x"))
}

func TestParseQuantityAgreesWithAPIMachinery(t *testing.T) {
	for _, s := range []string{
		"1Gi", "+1Gi", "-500m", ".5", "1e3", "1E-3", "0", "", "-", "+", ".", "Gi", "m", "E", "i", "e3", "CREATE",
		"kube-system", "1.5.2", "1Ki", "12ab", " 1", "1e-", "Mi5",
	} {
		want, werr := resource.ParseQuantity(s)
		got, ok := parseQuantity(s)
		assert.Equal(t, werr == nil, ok, "%q", s)
		if ok {
			assert.Equal(t, 0, want.Cmp(got), "%q", s)
		}
	}
}

func TestHugeExponentsAreNoQuantities(t *testing.T) {
	for _, s := range []string{"1e999999999", "1E-999999999", "5e1001", "1e+0000000000002000"} {
		_, ok := parseQuantity(s)
		assert.False(t, ok, "%q", s)
		for _, op := range []Operator{Equals, GreaterThan, AnyIn} {
			got, err := Evaluate(op, s, "1")
			assert.NoError(t, err)
			assert.False(t, got, "%q %s 1", s, op)
		}
	}
	q, ok := parseQuantity("1e1000")
	assert.True(t, ok)
	assert.Equal(t, 1, q.Cmp(resource.MustParse("1")))
}

func TestMayBeJSON(t *testing.T) {
	for s, want := range map[string]bool{
		`["a"]`: true, ` {"a":1}`: true, `"x"`: true, "12": true, "-1": true, "true": true, "null": true,
		"": false, "  ": false, "kube-system": false, "CREATE": false,
	} {
		assert.Equal(t, want, mayBeJSON(s), "%q", s)
	}
}
