package math

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func TestRound(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		expr string
		want float64
	}{
		{`math.round(3.14159, 2)`, 3.14},
		{`math.round(2.5, 0)`, 3},
		{`math.round(-2.5, 0)`, -3},
		{`math.round(1234.5, -2)`, 1200},
		{`math.round(0.125, 2)`, 0.13},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.InDelta(t, tt.want, libtest.Eval(t, env, tt.expr, nil).Native(t), 1e-9)
		})
	}
}

func TestRoundErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct{ expr, compileErr, evalErr string }{
		{expr: `math.round(3, 2)`, compileErr: "found no matching overload"},
		{expr: `math.round(3.0, 2.0)`, compileErr: "found no matching overload"},
		{expr: `math.round(dyn(3), 1)`, evalErr: "no such overload"},
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
