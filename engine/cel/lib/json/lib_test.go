package json

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func TestJSON(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct {
		expr string
		want any
	}{
		{`json.unmarshal('{"a": [1, "x", true, null]}')`, map[string]any{"a": []any{1.0, "x", true, nil}}},
		{`json.unmarshal('{"a": {"b": 2}}').a.b == 2.0`, true},
		{`json.unmarshal('"s"')`, "s"},
		{`json.unmarshal(' [] ')`, []any{}},
		{`json.marshal({"b": 1, "a": [true, null, "x"]})`, `{"a":[true,null,"x"],"b":1}`},
		{`json.marshal(json.unmarshal('{"k":1.5}'))`, `{"k":1.5}`},
		{`json.marshal("x")`, `"x"`},
		{`json.marshal(b"\x01")`, `"AQ=="`},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.want, libtest.Eval(t, env, tt.expr, nil).Native(t))
		})
	}
}

func TestJSONErrors(t *testing.T) {
	env := libtest.Env(t, Lib())
	tests := []struct{ expr, compileErr, evalErr string }{
		{expr: `json.unmarshal(1)`, compileErr: "found no matching overload"},
		{expr: `json.parse("{}")`, compileErr: "undeclared reference to 'parse'"},
		{expr: `json.unmarshal("{")`, evalErr: "json.unmarshal: unexpected EOF"},
		{expr: `json.unmarshal("{} {}")`, evalErr: "data after the document"},
		{expr: `json.unmarshal("")`, evalErr: "json.unmarshal: EOF"},
		{expr: `json.marshal({1: "a"})`, evalErr: "JSON object keys are strings"},
		{expr: `json.unmarshal(dyn(1))`, evalErr: "no such overload"},
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
