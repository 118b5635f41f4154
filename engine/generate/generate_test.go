package generate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFromData(t *testing.T) {
	target := Target{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy", Name: "default-deny", Namespace: "team-a"}
	data := map[string]any{
		"metadata": map[string]any{"labels": map[string]any{"a": "b"}},
		"spec":     map[string]any{"podSelector": map[string]any{}},
	}
	got, err := FromData(target, data)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
		"metadata": map[string]any{"name": "default-deny", "namespace": "team-a", "labels": map[string]any{"a": "b"}},
		"spec":     map[string]any{"podSelector": map[string]any{}},
	}, got)
	assert.NotContains(t, data["metadata"], "name", "data must not be modified")

	_, err = FromData(Target{Kind: "ConfigMap"}, nil)
	require.ErrorContains(t, err, "apiVersion is required")
	require.ErrorContains(t, err, "name is required")
	_, err = FromData(target, []any{1})
	require.ErrorContains(t, err, "data must be an object")
}

func TestClone(t *testing.T) {
	source := map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "regcred", "namespace": "default", "uid": "123", "resourceVersion": "9",
			"labels": map[string]any{"x": "y"}, "managedFields": []any{}},
		"data":   map[string]any{".dockerconfigjson": "e30="},
		"status": map[string]any{},
	}
	got, err := Clone(Target{Namespace: "team-a"}, source)
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"apiVersion": "v1", "kind": "Secret",
		"metadata": map[string]any{"name": "regcred", "namespace": "team-a", "labels": map[string]any{"x": "y"}},
		"data":     map[string]any{".dockerconfigjson": "e30="},
	}, got)
	assert.Equal(t, "123", source["metadata"].(map[string]any)["uid"], "source must not be modified")

	renamed, err := Clone(Target{Name: "copy", Namespace: "b"}, source)
	require.NoError(t, err)
	assert.Equal(t, "copy", renamed["metadata"].(map[string]any)["name"])

	_, err = Clone(Target{Namespace: "b"}, nil)
	require.ErrorContains(t, err, "clone source is missing")
}
