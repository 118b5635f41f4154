package mutate

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// differentialCase is one row of testdata/differential.yaml.
type differentialCase struct {
	Name     string         `json:"name"`
	Named    bool           `json:"named"`
	Resource map[string]any `json:"resource"`
	Overlay  map[string]any `json:"overlay"`
}

// TestStrategicMergeNamedAgreesWithWhole checks, for each row, that merging only the fields the overlay names gives
// what the kustomize merge of the whole resource gives (result, or kind of error), and that the named merge handles
// exactly the rows it should.
func TestStrategicMergeNamedAgreesWithWhole(t *testing.T) {
	var cases []differentialCase
	loadCases(t, "testdata/differential.yaml", &cases)
	require.GreaterOrEqual(t, len(cases), 20)
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			resource, overlay := withInt64(tc.Resource).(map[string]any), withInt64(tc.Overlay).(map[string]any)
			got, handled, err := strategicMergeNamed(resource, overlay)
			require.Equal(t, tc.Named, handled, "handled by the named merge: %v", err)
			if !handled {
				got, err = StrategicMerge(resource, overlay)
			}
			assertAgrees(t, resource, overlay, got, err)
		})
	}
}

// TestStrategicMergeNamedAgreesOnKyvernoCases runs the cases of testdata/strategic.yaml (outputs of Kyverno) through
// both merges.
func TestStrategicMergeNamedAgreesOnKyvernoCases(t *testing.T) {
	var cases []strategicCase
	loadCases(t, "testdata/strategic.yaml", &cases)
	handled := 0
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			resource, overlay := withInt64(tc.Resource).(map[string]any), withInt64(tc.Overlay).(map[string]any)
			got, named, err := strategicMergeNamed(resource, overlay)
			if !named {
				return
			}
			handled++
			assertAgrees(t, resource, overlay, got, err)
		})
	}
	assert.Greater(t, handled, len(cases)/2, "the named merge handles most cases")
}

// assertAgrees compares a result of the named merge with the whole merge of the same input.
func assertAgrees(t *testing.T, resource, overlay, got map[string]any, err error) {
	t.Helper()
	want, wantErr := strategicMergeWhole(resource, overlay)
	if wantErr != nil {
		require.Error(t, err, "the whole merge fails: %v", wantErr)
		assert.Equal(t, errors.Is(wantErr, ErrConditionNotMet), errors.Is(err, ErrConditionNotMet), "%v / %v", wantErr, err)
		return
	}
	require.NoError(t, err)
	assert.Equal(t, canonical(t, want), canonical(t, got))
}
