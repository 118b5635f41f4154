package hash

import (
	"strings"
	"testing"

	"github.com/google/cel-go/cel"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func TestHash(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		expr string
		want string
	}{
		{`sha1("kyverno")`, "6fec57cb57bfc38106901b9a0c4f3155ebb386f5"},
		{`hash.sha1("")`, "da39a3ee5e6b4b0d3255bfef95601890afd80709"},
		{`sha256("")`, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{`hash.sha256("abc")`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{`md5("")`, "d41d8cd98f00b204e9800998ecf8427e"},
		{`hash.md5("abc")`, "900150983cd24fb0d6963f7d28e17f72"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			res := libtest.Eval(t, env, tt.expr, nil)
			assert.Equal(t, tt.want, res.Native(t))
		})
	}
}

func TestHashErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		expr, compileErr, evalErr string
	}{
		{expr: `sha256(1)`, compileErr: "found no matching overload for 'sha256'"},
		{expr: `hash.md5(b"x")`, compileErr: "found no matching overload"},
		{expr: `sha1(dyn(1))`, evalErr: "no such overload: sha1(int)"},
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

func TestHashCostGrowsWithInput(t *testing.T) {
	env := libtest.Env(t, Lib(), cel.Variable("s", cel.StringType))
	small := libtest.Eval(t, env, `sha256(s)`, map[string]any{"s": "x"})
	big := libtest.Eval(t, env, `sha256(s)`, map[string]any{"s": strings.Repeat("x", 100000)})
	require.NoError(t, big.Err)
	assert.Less(t, small.Cost, uint64(5))
	assert.GreaterOrEqual(t, big.Cost, uint64(10000), "0.1 per byte hashed")
}
