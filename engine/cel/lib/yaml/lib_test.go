package yaml

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func TestYAML(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		expr string
		want any
	}{
		{`yaml.parse("a: [1, x, true, null]")`, map[string]any{"a": []any{1.0, "x", true, nil}}},
		{`yaml.parse("a:\n  b: c\n").a.b`, "c"},
		{`yaml.parse("- 1\n- 2")`, []any{1.0, 2.0}},
		{`yaml.parse("")`, nil},
		{`yaml.parse("x: &a {k: v}\nz: *a").z.k`, "v"},
		{`yaml.parse("y: 1")`, map[string]any{"true": 1.0}}, // YAML 1.1: y is a boolean (sigs.k8s.io/yaml)
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.want, libtest.Eval(t, env, tt.expr, nil).Native(t))
		})
	}
}

func TestYAMLErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	bomb := "a: &a [x,x,x,x,x,x,x,x,x]\n"
	for i, prev := 'b', 'a'; i <= 'j'; i, prev = i+1, i {
		bomb += string(i) + ": &" + string(i) + " [" + strings.Repeat("*"+string(prev)+",", 8) + "*" + string(prev) + "]\n"
	}
	tests := []struct{ expr, compileErr, evalErr string }{
		{expr: `yaml.parse(1)`, compileErr: "found no matching overload"},
		{expr: `yaml.parse("a: [")`, evalErr: "yaml.parse:"},
		{expr: "yaml.parse('''" + bomb + "''')", evalErr: "excessive aliasing"},
		{expr: `yaml.parse(dyn(1))`, evalErr: "no such overload"},
	}
	for _, tt := range tests {
		t.Run(tt.expr[:min(len(tt.expr), 40)], func(t *testing.T) {
			if tt.compileErr != "" {
				assert.Contains(t, libtest.CompileError(env, tt.expr), tt.compileErr)
				return
			}
			res := libtest.Eval(t, env, tt.expr, nil)
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.evalErr)
		})
	}
}
