package variables

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/jmespath"
)

func testDoc() map[string]any {
	return map[string]any{
		"request": map[string]any{
			"object": map[string]any{
				"metadata": map[string]any{"name": "web", "labels": map[string]any{"app": "shop"}},
				"spec":     map[string]any{"replicas": int64(3)},
			},
		},
		"element": map[string]any{"name": "c1"},
		"images":  map[string]any{"containers": map[string]any{"c1": map[string]any{"tag": "1.2"}}},
	}
}

func TestTemplateRender(t *testing.T) {
	c := NewCompiler(jmespath.New())
	tests := []struct {
		name    string
		in      string
		want    any
		wantErr bool
		// wantRenderErr: compiles, but rendering fails (Kyverno reports unknown keys in a path as errors).
		wantRenderErr bool
	}{
		{name: "literal", in: "plain text", want: "plain text"},
		{name: "whole string keeps type", in: "{{ request.object.spec.replicas }}", want: int64(3)},
		{name: "embedded", in: "name={{request.object.metadata.name}}!", want: "name=web!"},
		{name: "embedded object as JSON", in: "labels: {{ request.object.metadata.labels }}", want: `labels: {"app":"shop"}`},
		{name: "missing key is an error", in: "{{ request.object.metadata.missing }}", wantRenderErr: true},
		{name: "null value embeds as null", in: "x-{{ `null` }}", want: "x-null"},
		{name: "escaped", in: `\{{ request.object.metadata.name }}`, want: "{{ request.object.metadata.name }}"},
		{name: "braces in expression", in: "{{ request.object.metadata.{n: name} }}", want: map[string]any{"n": "web"}},
		{name: "nested variable", in: `{{ images.containers."{{element.name}}".tag }}`, want: "1.2"},
		{name: "or default", in: "{{ request.object.metadata.missing || 'none' }}", want: "none"},
		{name: "quoted braces", in: "{{ 'a}}b' }}", want: "a}}b"},
		{name: "bad expression", in: "{{ request.[ }}", wantErr: true},
		{name: "unclosed", in: "{{ request.object", wantErr: true},
		{name: "empty", in: "{{ }}", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := c.Compile(tt.in)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			got, err := tmpl.Render(testDoc())
			if tt.wantRenderErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestTreeRender(t *testing.T) {
	c := NewCompiler(jmespath.New())
	src := map[string]any{
		"metadata":                               map[string]any{"name": "{{ request.object.metadata.name }}", "static": "x"},
		"list":                                   []any{"a", "{{ request.object.spec.replicas }}"},
		"{{ request.object.metadata.name }}-key": true,
	}
	tree, err := c.CompileTree(src)
	require.NoError(t, err)
	assert.True(t, tree.HasVariables())
	got, err := tree.Render(testDoc())
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"metadata": map[string]any{"name": "web", "static": "x"},
		"list":     []any{"a", int64(3)},
		"web-key":  true,
	}, got)
	assert.Equal(t, "{{ request.object.metadata.name }}", src["metadata"].(map[string]any)["name"], "source must not be modified")

	static, err := c.CompileTree(map[string]any{"a": []any{"b", int64(1)}})
	require.NoError(t, err)
	assert.False(t, static.HasVariables())

	_, err = c.CompileTree(map[string]any{"a": "{{ bad[ }}"})
	require.ErrorContains(t, err, "/a")
}

func FuzzCompileRender(f *testing.F) {
	f.Add("{{ request.object.metadata.name }}")
	f.Add(`\{{x}} {{ a."{{b}}" }} {{ '}}' }}`)
	c := NewCompiler(jmespath.New())
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 512 {
			return
		}
		tmpl, err := c.Compile(s)
		if err != nil {
			return
		}
		_, _ = tmpl.Render(testDoc())
	})
}
