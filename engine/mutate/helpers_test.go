package mutate

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// decodeYAML decodes a YAML or JSON document into decoded values (numbers as float64, as sigs.k8s.io/yaml gives).
func decodeYAML(t testing.TB, doc string) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(doc), &m))
	return m
}

// loadCases decodes a YAML test data file into out.
func loadCases(t *testing.T, path string, out any) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(data, out))
}

// withInt64 returns a deep copy of v with whole float64 numbers turned into int64, the form the YAML loader of the
// engine produces.
func withInt64(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, e := range t {
			out[k] = withInt64(e)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, e := range t {
			out[i] = withInt64(e)
		}
		return out
	case float64:
		if t == float64(int64(t)) {
			return int64(t)
		}
	}
	return v
}

// canonical encodes v as sorted JSON, so that int64 and float64 forms of the same number compare equal.
func canonical(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	var back any
	require.NoError(t, json.Unmarshal(data, &back))
	data, err = json.Marshal(back)
	require.NoError(t, err)
	return string(data)
}
