package conditions

import (
	"encoding/json"
	"math"
	"testing"
	"time"
)

// FuzzEvaluate evaluates an operator (picked by index) on a key and a value decoded from JSON, optionally with whole
// numbers as int64 as YAML decoders produce them. Evaluation must not panic nor fail, and related operators must
// agree with each other.
func FuzzEvaluate(f *testing.F) {
	f.Add(uint8(0), []byte(`"1Gi"`), []byte(`"1024Mi"`), false)
	f.Add(uint8(5), []byte(`["kube-system","default"]`), []byte(`"kube-*"`), true)
	f.Add(uint8(9), []byte(`[1,5,11]`), []byte(`"0-10"`), true)
	f.Add(uint8(10), []byte(`"1.10.0"`), []byte(`"1.9.0"`), false)
	f.Add(uint8(14), []byte(`3600`), []byte(`"59m"`), true)
	f.Add(uint8(6), []byte(`"apple"`), []byte(`"[\"apple\",\"banana\"]"`), false)
	f.Add(uint8(1), []byte(`{"a":[1,{"b":null}]}`), []byte(`{"a":[1,{"b":null}]}`), true)
	f.Add(uint8(4), []byte(`"a*?*b"`), []byte(`["-5-+5","1h-2h"]`), false)
	f.Add(uint8(10), []byte(`"1e999999999"`), []byte(`"1"`), false)
	ops := Operators()
	f.Fuzz(func(t *testing.T, opIndex uint8, keyJSON, valueJSON []byte, ints bool) {
		var key, value any
		if json.Unmarshal(keyJSON, &key) != nil || json.Unmarshal(valueJSON, &value) != nil {
			t.Skip()
		}
		if ints {
			key, value = wholeToInt64(key), wholeToInt64(value)
		}
		op := ops[int(opIndex)%len(ops)]
		if _, err := Evaluate(op, key, value); err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		checkNegations(t, key, value)
		if s, ok := key.(string); ok {
			if _, err := time.ParseDuration(s); err == nil && !mayBeDuration(s) {
				t.Fatalf("duration %q filtered out", s)
			}
		}
	})
}

// checkNegations asserts the pairs of operators that must disagree.
func checkNegations(t *testing.T, key, value any) {
	t.Helper()
	eq, _ := Evaluate(Equals, key, value)
	ne, _ := Evaluate(NotEquals, key, value)
	if key != nil && eq == ne {
		t.Fatalf("Equals and NotEquals agree (%v) on %#v, %#v", eq, key, value)
	}
	if _, isList := value.([]any); !isList || !isTextScalar(key) {
		return
	}
	anyIn, _ := Evaluate(AnyIn, key, value)
	anyNotIn, _ := Evaluate(AnyNotIn, key, value)
	allNotIn, _ := Evaluate(AllNotIn, key, value)
	if anyIn == anyNotIn || anyNotIn != allNotIn {
		t.Fatalf("AnyIn %v, AnyNotIn %v, AllNotIn %v on %#v, %#v", anyIn, anyNotIn, allNotIn, key, value)
	}
}

// wholeToInt64 replaces whole float64 numbers by int64, recursively.
func wholeToInt64(v any) any {
	switch t := v.(type) {
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<62 {
			return int64(t)
		}
		return t
	case []any:
		for i := range t {
			t[i] = wholeToInt64(t[i])
		}
		return t
	case map[string]any:
		for k := range t {
			t[k] = wholeToInt64(t[k])
		}
		return t
	default:
		return v
	}
}
