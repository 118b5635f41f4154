package gzip

import (
	"bytes"
	gogzip "compress/gzip"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func gz(t *testing.T, s string) []byte {
	var buf bytes.Buffer
	w := gogzip.NewWriter(&buf)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return buf.Bytes()
}

func TestGzip(t *testing.T) {
	env := libtest.Env(t, Lib(), cel.Variable("data", cel.BytesType))
	tests := []struct {
		expr string
		data []byte
		want any
	}{
		{`gzip.decompress(base64.decode("H4sIADP4umkAA8uuLEstyssHAOgPnDMHAAAA"))`, nil, "kyverno"},
		{`gzip.decompress(data)`, gz(t, "hello"), "hello"},
		{`gzip.decompress(gzip.compress("round trip"))`, nil, "round trip"},
		{`gzip.compress("") == gzip.compress("")`, nil, true},
		{`size(gzip.decompress(data))`, gz(t, strings.Repeat("z", 1<<20)), int64(1 << 20)},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			vars := map[string]any{"data": tt.data}
			if tt.data == nil {
				vars["data"] = []byte{}
			}
			assert.Equal(t, tt.want, libtest.Eval(t, env, tt.expr, vars).Native(t))
		})
	}
}

func TestGzipCompressIsDeterministic(t *testing.T) {
	env := libtest.Env(t, Lib())
	out := libtest.Eval(t, env, `base64.encode(gzip.compress("kyverno"))`, nil).Native(t)
	raw, err := base64.StdEncoding.DecodeString(out.(string))
	require.NoError(t, err)
	r, err := gogzip.NewReader(bytes.NewReader(raw))
	require.NoError(t, err)
	assert.True(t, r.ModTime.IsZero() || r.ModTime.Unix() == 0)
	assert.Empty(t, r.Name)
}

func TestGzipErrors(t *testing.T) {
	env := libtest.Env(t, Lib(), cel.Variable("data", cel.BytesType))
	bomb := gz(t, strings.Repeat("0", MaxOutput+1))
	tests := []struct {
		expr, compileErr, evalErr string
		data                      []byte
	}{
		{expr: `gzip.decompress("not bytes")`, compileErr: "found no matching overload"},
		{expr: `gzip.compress(b"x")`, compileErr: "found no matching overload"},
		{expr: `gzip.decompress(b"plain")`, evalErr: "gzip.decompress: unexpected EOF"},
		{expr: `gzip.decompress(b"0123456789abcdef")`, evalErr: "gzip.decompress: gzip: invalid header"},
		{expr: `gzip.decompress(data)`, data: bomb, evalErr: "exceeds 10485760 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			if tt.compileErr != "" {
				assert.Contains(t, libtest.CompileError(env, tt.expr), tt.compileErr)
				return
			}
			res := libtest.Eval(t, env, tt.expr, map[string]any{"data": tt.data})
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.evalErr)
		})
	}
}

func TestGzipCostCountsOutput(t *testing.T) {
	env := libtest.Env(t, Lib(), cel.Variable("data", cel.BytesType))
	res := libtest.Eval(t, env, `gzip.decompress(data)`, map[string]any{"data": gz(t, strings.Repeat("z", 1<<20))})
	require.NoError(t, res.Err)
	assert.GreaterOrEqual(t, res.Cost, uint64(1<<20)/10, "a small input that expands is charged for its output")
}
