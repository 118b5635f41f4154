package kyvernotest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSameResource(t *testing.T) {
	got := map[string]any{
		"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "a", "namespace": "b",
			"labels": map[string]any{"x": "y", "generate.kyverno.io/policy-name": "p"}},
		"data": map[string]any{"n": int64(1), "list": []any{"a", int64(2)}, "empty": map[string]any{}},
	}
	same := func(mod func(m map[string]any)) map[string]any {
		w := map[string]any{
			"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": "a", "namespace": "b", "labels": map[string]any{"x": "y"}},
			"data":     map[string]any{"n": 1.0, "list": []any{"a", 2.0}},
		}
		if mod != nil {
			mod(w)
		}
		return w
	}
	tests := []struct {
		name string
		want map[string]any
		ok   bool
	}{
		{name: "equal but for number types, empty objects and generate labels", want: same(nil), ok: true},
		{name: "null equals absent", want: same(func(m map[string]any) { m["spec"] = nil }), ok: true},
		{name: "different value", want: same(func(m map[string]any) { m["metadata"].(map[string]any)["name"] = "z" }), ok: false},
		{name: "extra field", want: same(func(m map[string]any) { m["spec"] = map[string]any{"a": "b"} }), ok: false},
		{name: "missing field", want: same(func(m map[string]any) { delete(m, "data") }), ok: false},
		{name: "list order matters", want: same(func(m map[string]any) { m["data"].(map[string]any)["list"] = []any{2.0, "a"} }), ok: false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.ok, sameResource(got, tt.want), tt.name)
	}
}
