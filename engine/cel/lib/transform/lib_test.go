package transform

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func TestListObjToMap(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		expr string
		want any
	}{
		{`transform.listObjToMap([{"name": "kyverno", "lfx": "mentorship"}, {"name": "kubernetes"}],
			[{"domain": "security"}, {"domain": "orchestration"}], "name", "domain")`,
			map[string]any{"kyverno": "security", "kubernetes": "orchestration"}},
		{`listObjToMap([{"k": "a"}], [{"other": 1}], "k", "v")`, map[string]any{"a": nil}},
		{`listObjToMap([], [], "k", "v")`, map[string]any{}},
		{`listObjToMap([{"k": "a"}, {"k": "a"}], [{"v": 1}, {"v": 2}], "k", "v")`, map[string]any{"a": int64(2)}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.want, libtest.Eval(t, env, tt.expr, nil).Native(t))
		})
	}
}

func TestListObjToMapErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct{ expr, compileErr, evalErr string }{
		{expr: `listObjToMap([{"k": "a"}], [{"v": 1}], "k")`, compileErr: "found no matching overload"},
		{expr: `listObjToMap({"k": "a"}, [], "k", "v")`, compileErr: "found no matching overload"},
		{expr: `listObjToMap([{"k": "a"}], [], "k", "v")`, evalErr: "lists of equal length. list1: 1, list2: 0"},
		{expr: `listObjToMap([{"k": 1}], [{"v": 1}], "k", "v")`, evalErr: "cannot be handled as a string"},
		{expr: `listObjToMap([{"x": "a"}], [{"v": 1}], "k", "v")`, evalErr: "cannot be handled as a string"},
		{expr: `listObjToMap(["a"], [{"v": 1}], "k", "v")`, evalErr: "holds a string, not an object"},
		{expr: `listObjToMap([{"k": "a"}], [1], "k", "v")`, evalErr: "value object list"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
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
