package globalcontext

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

type fakeClient map[string]any

func (f fakeClient) GlobalContext(_ context.Context, name, projection string) (any, error) {
	key := name
	if projection != "" {
		key += "/" + projection
	}
	v, ok := f[key]
	if !ok {
		return nil, fmt.Errorf("global context entry %q not found", key)
	}
	return v, nil
}

func TestGlobalContext(t *testing.T) {
	env := libtest.Env(t, Lib())
	c := fakeClient{"deployments": []any{map[string]any{"name": "a"}}, "deployments/count": 3.0}
	tests := []struct {
		expr string
		want any
	}{
		{`globalContext.Get("deployments")[0].name`, "a"},
		{`globalContext.get("deployments").size()`, int64(1)},
		{`globalContext.Get("deployments", "count")`, 3.0},
		{`globalContext.get("deployments", "count") > 2.0`, true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			res := libtest.Eval(t, env, tt.expr, map[string]any{Name: Value(context.Background(), c)})
			assert.Equal(t, tt.want, res.Native(t))
		})
	}
}

func TestGlobalContextErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		name, expr string
		client     Client
		err        string
	}{
		{"unbound", `globalContext.Get("x")`, nil, "failed to get global reference: no source of outside data is bound"},
		{"missing entry", `globalContext.Get("x")`, fakeClient{}, `failed to get global reference: global context entry "x" not found`},
		{"missing projection", `globalContext.get("x", "p")`, fakeClient{"x": 1}, `entry "x/p" not found`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := libtest.Eval(t, env, tt.expr, map[string]any{Name: Value(context.Background(), tt.client)})
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.err)
		})
	}
	for _, expr := range []string{`globalContext.Get(1)`, `globalContext.Get("a", "b", "c")`, `globalContext.Fetch("a")`} {
		assert.NotEmpty(t, libtest.CompileError(env, expr), expr)
	}
}
