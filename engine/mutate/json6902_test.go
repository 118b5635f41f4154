package mutate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonPatchCase is one row of testdata/json6902.yaml.
type jsonPatchCase struct {
	Name     string         `json:"name"`
	Resource map[string]any `json:"resource"`
	Patch    string         `json:"patch"`
	Want     map[string]any `json:"want"`
	Error    bool           `json:"error"`
}

// TestJSON6902 replays cases whose expected output was produced by Kyverno v1.19.1.
func TestJSON6902(t *testing.T) {
	var cases []jsonPatchCase
	loadCases(t, "testdata/json6902.yaml", &cases)
	require.GreaterOrEqual(t, len(cases), 15)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			resource := withInt64(tc.Resource).(map[string]any)
			before := canonical(t, resource)
			got, err := JSON6902(resource, tc.Patch)
			assert.Equal(t, before, canonical(t, resource), "resource modified")
			if tc.Error {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, canonical(t, tc.Want), canonical(t, got))
		})
	}
}

func TestJSON6902Numbers(t *testing.T) {
	got, err := JSON6902(map[string]any{"a": 1.0}, `[{"op": "add", "path": "/b", "value": 2}, {"op": "add", "path": "/c", "value": 2.5}]`)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"a": int64(1), "b": int64(2), "c": 2.5}, got)
}

func TestJSON6902Errors(t *testing.T) {
	tests := []struct{ name, patch, want string }{
		{name: "empty", patch: "", want: "empty patch"},
		{name: "bad yaml", patch: "- op: [", want: "convert YAML patch to JSON"},
		{name: "bad json", patch: "[{", want: "decode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := JSON6902(map[string]any{}, tc.patch)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}
