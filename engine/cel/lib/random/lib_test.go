package random

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func TestRandom(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		expr  string
		match string
	}{
		{`random()`, `^[0-9a-z]{8}$`},
		{`random("[a-f]{4}-[0-9]{2,3}")`, `^[a-f]{4}-[0-9]{2,3}$`},
		{`random("(ab|cd)+x?")`, `^(ab|cd){1,11}x?$`},
		{`random("a*")`, `^a{0,10}$`},
		{`random("^lit\\.eral$")`, `^lit\.eral$`},
		{`random("(?i)ab")`, `^(?i)ab$`},
		{`random("[^\\x00-\\x7e]")`, `^[^\x00-\x7e]$`},
		{`random("")`, `^$`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			re := regexp.MustCompile(tt.match)
			for range 20 {
				s, _ := libtest.Eval(t, env, tt.expr, nil).Native(t).(string)
				require.Regexp(t, re, s)
			}
		})
	}
}

func TestRandomErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct{ expr, compileErr, evalErr string }{
		{expr: `random(1)`, compileErr: "found no matching overload"},
		{expr: `random("a(")`, evalErr: "random: invalid pattern"},
		{expr: `random("` + strings.Repeat("a{1000}", 11) + `")`, evalErr: "more than 10000 characters"},
		{expr: `random(dyn(1))`, evalErr: "no such overload"},
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

func TestRandomCostCountsOutput(t *testing.T) {
	env := libtest.Env(t, Lib())
	res := libtest.Eval(t, env, `random("a{1000}")`, nil)
	assert.Equal(t, strings.Repeat("a", 1000), res.Native(t))
	assert.GreaterOrEqual(t, res.Cost, uint64(100), "0.1 per generated character")
}
