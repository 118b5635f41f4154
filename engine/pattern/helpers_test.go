package pattern

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// decode parses a YAML (or JSON) document the way Kyverno receives policies: maps, lists, strings, float64 numbers,
// booleans and null.
func decode(t testing.TB, doc string) any {
	t.Helper()
	var v any
	require.NoError(t, yaml.Unmarshal([]byte(doc), &v), "decode %q", doc)
	return v
}

// withInt64 returns a copy of v where integral float64 numbers are int64, as in objects decoded by Kubernetes
// (unstructured) rather than by encoding/json.
func withInt64(v any) any {
	switch typed := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(typed))
		for k, e := range typed {
			out[k] = withInt64(e)
		}
		return out
	case []any:
		out := make([]any, len(typed))
		for i, e := range typed {
			out[i] = withInt64(e)
		}
		return out
	case float64:
		if typed == math.Trunc(typed) && math.Abs(typed) < 1<<53 {
			return int64(typed)
		}
		return typed
	default:
		return v
	}
}

// mustCompile compiles a YAML pattern.
func mustCompile(t testing.TB, doc string) *Pattern {
	t.Helper()
	p, err := Compile(decode(t, doc))
	require.NoError(t, err)
	return p
}
