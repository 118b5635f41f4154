package user

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func TestParseServiceAccount(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		expr string
		want any
	}{
		{`parseServiceAccount("system:serviceaccount:foo:bar").Namespace`, "foo"},
		{`parseServiceAccount("system:serviceaccount:foo:bar").Name`, "bar"},
		{`user.parseServiceAccount("system:serviceaccount:foo:bar:baz").Name`, "bar:baz"},
		{`parseServiceAccount("something-else:123").Name`, ""},
		{`parseServiceAccount("system:serviceaccount:nocolon").Namespace`, ""},
		{`parseServiceAccount("system:serviceaccount:ns:").Namespace`, "ns"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.want, libtest.Eval(t, env, tt.expr, nil).Native(t))
		})
	}
}

func TestParseServiceAccountErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	assert.Contains(t, libtest.CompileError(env, `parseServiceAccount(1)`), "found no matching overload")
	assert.Contains(t, libtest.CompileError(env, `parseServiceAccount("a").namespace`), "undefined field 'namespace'")
	res := libtest.Eval(t, env, `parseServiceAccount(dyn(true))`, nil)
	require.Error(t, res.Err)
	assert.Contains(t, res.Err.Error(), "no such overload")
}
