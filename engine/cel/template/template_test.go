package template

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeEval answers each expression with values[expr], or an error for an unknown one.
func fakeEval(t *Tree, values map[string]any) Eval {
	return func(i int) (any, error) {
		v, ok := values[t.Expressions()[i]]
		if !ok {
			return nil, fmt.Errorf("unknown %s", t.Expressions()[i])
		}
		return v, nil
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, value string
		interpolate bool
		values      map[string]any
		want        []map[string]any
		exprs       []string
	}{
		{name: "literal without interpolation", value: "kind: ConfigMap\ndata:\n  k: (( not.evaluated ))\n",
			want: []map[string]any{{"kind": "ConfigMap", "data": map[string]any{"k": "(( not.evaluated ))"}}}},
		{name: "whole-value splice", interpolate: true, value: "kind: ConfigMap\nmetadata:\n  labels: (( variables.labels ))\n",
			values: map[string]any{"variables.labels": map[string]any{"a": "b"}}, exprs: []string{"variables.labels"},
			want: []map[string]any{{"kind": "ConfigMap", "metadata": map[string]any{"labels": map[string]any{"a": "b"}}}}},
		{name: "interpolated string", interpolate: true, value: "metadata:\n  name: (( object.metadata.name ))-cfg-((n))\n",
			values: map[string]any{"object.metadata.name": "web", "n": int64(2)}, exprs: []string{"object.metadata.name", "n"},
			want: []map[string]any{{"metadata": map[string]any{"name": "web-cfg-2"}}}},
		{name: "escape", interpolate: true, value: "data:\n  k: \\((x))\n",
			want: []map[string]any{{"data": map[string]any{"k": "((x))"}}}},
		{name: "nested parentheses and strings", interpolate: true, value: "data:\n  k: (( string(f(\"))\")) ))\n",
			values: map[string]any{`string(f("))"))`: "ok"}, exprs: []string{`string(f("))"))`},
			want: []map[string]any{{"data": map[string]any{"k": "ok"}}}},
		{name: "several documents", value: "kind: A\n---\nkind: B\n",
			want: []map[string]any{{"kind": "A"}, {"kind": "B"}}},
		{name: "sequence items", interpolate: true, value: "items:\n- (( a ))\n- lit\n",
			values: map[string]any{"a": int64(1)}, exprs: []string{"a"},
			want: []map[string]any{{"items": []any{int64(1), "lit"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := Parse(tt.value, tt.interpolate)
			require.NoError(t, err)
			assert.Equal(t, tt.exprs, tree.Expressions())
			got, err := tree.Render(fakeEval(tree, tt.values))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, value, err string }{
		{"placeholder in a key", "data:\n  (( k )): v\n", "not supported in mapping keys"},
		{"unterminated", "data:\n  k: (( a\n", "unterminated placeholder"},
		{"unbalanced", "data:\n  k: (( a) b ))\n", "unbalanced parenthesis"},
		{"empty", "data:\n  k: (( ))\n", "empty placeholder"},
		{"not a mapping", "- a\n", "must be a mapping"},
		{"no document", "", "no document"},
		{"bad YAML", "a: [\n", "document 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.value, true)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
		})
	}
}

func TestRenderScalarOnly(t *testing.T) {
	tree, err := Parse("metadata:\n  name: x-(( v ))\n", true)
	require.NoError(t, err)
	_, err = tree.Render(func(int) (any, error) { return map[string]any{}, nil })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must give a scalar")
}

func FuzzParse(f *testing.F) {
	f.Add("kind: A\nmetadata:\n  name: (( object.metadata.name ))-x\n", true)
	f.Add("a: \\((b))\n---\nc: [(( d ))]\n", true)
	f.Fuzz(func(t *testing.T, value string, interpolate bool) {
		tree, err := Parse(value, interpolate)
		if err != nil {
			return
		}
		_, _ = tree.Render(func(int) (any, error) { return "v", nil })
	})
}
