package mutate

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// strategicCase is one row of testdata/strategic.yaml.
type strategicCase struct {
	Name     string         `json:"name"`
	Resource map[string]any `json:"resource"`
	Overlay  map[string]any `json:"overlay"`
	Want     map[string]any `json:"want"`
	Error    string         `json:"error"`
}

// TestStrategicMerge replays cases whose expected output was produced by Kyverno v1.19.1, with numbers both as
// float64 and as int64.
func TestStrategicMerge(t *testing.T) {
	var cases []strategicCase
	loadCases(t, "testdata/strategic.yaml", &cases)
	require.GreaterOrEqual(t, len(cases), 30)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			for _, form := range []string{"float64", "int64"} {
				resource, overlay := tc.Resource, tc.Overlay
				if form == "int64" {
					resource, overlay = withInt64(resource).(map[string]any), withInt64(overlay).(map[string]any)
				}
				before, overlayBefore := canonical(t, resource), canonical(t, overlay)
				got, err := StrategicMerge(resource, overlay)
				assert.Equal(t, before, canonical(t, resource), "resource modified")
				assert.Equal(t, overlayBefore, canonical(t, overlay), "overlay modified")
				checkOutcome(t, tc, got, err)
			}
		})
	}
}

func checkOutcome(t *testing.T, tc strategicCase, got map[string]any, err error) {
	t.Helper()
	switch tc.Error {
	case "":
		require.NoError(t, err)
		assert.Equal(t, canonical(t, tc.Want), canonical(t, got))
	case "condition":
		assert.ErrorIs(t, err, ErrConditionNotMet)
		assert.Nil(t, got)
	case "kyverno-crash":
		assert.ErrorIs(t, err, errKyvernoCrash)
	default:
		require.Error(t, err)
		assert.False(t, errors.Is(err, ErrConditionNotMet), "%v", err)
	}
}

// TestStrategicMergeIntegersStayIntegers checks the decoded types of the result: what the overlay names is decoded
// as Kyverno reads the merged YAML (integers as int64), what it does not name is shared with the resource as it is.
func TestStrategicMergeIntegersStayIntegers(t *testing.T) {
	resource := map[string]any{"kind": "Pod", "apiVersion": "v1", "spec": map[string]any{"a": 1, "b": 2.5, "f": 5}}
	got, err := StrategicMerge(resource, map[string]any{"spec": map[string]any{"a": 1.0, "c": int64(3), "d": 4.0, "e": nil}})
	require.NoError(t, err)
	assert.Equal(t, map[string]any{"a": int64(1), "b": 2.5, "c": int64(3), "d": int64(4), "f": 5}, got["spec"])
}

// TestStrategicMergeErrors covers inputs Kyverno never produces.
func TestStrategicMergeErrors(t *testing.T) {
	tests := []struct {
		name              string
		resource, overlay map[string]any
		want              string
	}{
		{name: "unsupported resource value", resource: map[string]any{"a": struct{}{}}, overlay: map[string]any{"a": 1},
			want: "resource: a: unsupported value type struct {}"},
		{name: "unsupported overlay value", resource: map[string]any{}, overlay: map[string]any{"a": []int{1}},
			want: "overlay: a: unsupported value type []int"},
		{name: "anchor with spaces", resource: map[string]any{"a": "x"}, overlay: map[string]any{" (a) ": "x"},
			want: "surrounding spaces"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := StrategicMerge(tc.resource, tc.overlay)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestParseAnchor(t *testing.T) {
	tests := []struct {
		raw  string
		want anchor
	}{
		{raw: "(name)", want: anchor{kind: anchorCondition, key: "name"}},
		{raw: " <(name) ", want: anchor{kind: anchorGlobal, key: "name"}},
		{raw: "+(name)", want: anchor{kind: anchorAddIfNotPresent, key: "name"}},
		{raw: "=(name)", want: anchor{kind: anchorEquality, key: "name"}},
		{raw: "X(name)", want: anchor{kind: anchorNegation, key: "name"}},
		{raw: "^(name)", want: anchor{kind: anchorExistence, key: "name"}},
		{raw: "((a))", want: anchor{kind: anchorCondition, key: "(a)"}},
		{raw: "()"},
		{raw: "name"},
		{raw: "+name)"},
		{raw: "*(name)"},
		{raw: "(a\nb)"},
	}
	for _, tc := range tests {
		t.Run(tc.raw, func(t *testing.T) {
			assert.Equal(t, tc.want, parseAnchor(tc.raw))
		})
	}
}

// TestStrategicMergeConcurrent runs the merge from several goroutines (run with -race).
func TestStrategicMergeConcurrent(t *testing.T) {
	var cases []strategicCase
	loadCases(t, "testdata/strategic.yaml", &cases)
	done := make(chan error, 4)
	for range 4 {
		go func() {
			for _, tc := range cases {
				if _, err := StrategicMerge(tc.Resource, tc.Overlay); err != nil && tc.Error == "" {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		assert.NoError(t, <-done)
	}
}
