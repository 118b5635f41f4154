package kyvernotest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestContains(t *testing.T) {
	got := map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "a", "namespace": "b", "labels": map[string]any{"x": "y"}},
		"data":     map[string]any{"n": int64(1), "list": []any{"a", int64(2)}},
	}
	tests := []struct {
		name string
		want any
		ok   bool
	}{
		{name: "subset of fields", want: map[string]any{"kind": "ConfigMap", "metadata": map[string]any{"name": "a"}}, ok: true},
		{name: "numbers of any type", want: map[string]any{"data": map[string]any{"n": float64(1), "list": []any{"a", 2.0}}}, ok: true},
		{name: "empty objects may be absent", want: map[string]any{"spec": map[string]any{}}, ok: true},
		{name: "different value", want: map[string]any{"metadata": map[string]any{"name": "z"}}, ok: false},
		{name: "missing field", want: map[string]any{"spec": map[string]any{"a": "b"}}, ok: false},
		{name: "lists must be equal", want: map[string]any{"data": map[string]any{"list": []any{"a"}}}, ok: false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.ok, contains(got, tt.want), tt.name)
	}
}
