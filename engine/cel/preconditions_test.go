package cel

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

func TestPreconditionsMatch(t *testing.T) {
	c := newCompiler(t)
	conds := func(exprs ...string) []admissionregistrationv1.MatchCondition {
		out := make([]admissionregistrationv1.MatchCondition, len(exprs))
		for i, e := range exprs {
			out[i] = admissionregistrationv1.MatchCondition{Name: "c" + string(rune('0'+i)), Expression: e}
		}
		return out
	}
	tests := []struct {
		name    string
		conds   []admissionregistrationv1.MatchCondition
		edit    func(in *Input)
		want    bool
		wantErr string
	}{
		{name: "none", conds: nil, want: true},
		{name: "all true", conds: conds("request.operation == 'CREATE'", "object.metadata.name == 'web'"), want: true},
		{name: "one false", conds: conds("true", "object.metadata.name == 'api'"), want: false},
		{name: "false wins over an error", conds: conds("object.spec.nope == 1", "false"), want: false},
		{name: "error without false", conds: conds("true", "object.spec.nope == 1"),
			wantErr: "celPreconditions[1] (c1): expression 'object.spec.nope == 1' resulted in error: no such key: nope"},
		{name: "optional field", conds: conds("object.spec.?volumes.orValue([]).exists(v, has(v.hostPath))"), want: false},
		{name: "params are bound", conds: conds("params.kind == 'ConfigMap'"),
			edit: func(in *Input) { in.Params = map[string]any{"kind": "ConfigMap"} }, want: true},
		{name: "namespaceObject is bound", conds: conds("namespaceObject.metadata.name == 'shop'"),
			edit: func(in *Input) { in.NamespaceObject = map[string]any{"metadata": map[string]any{"name": "shop"}} }, want: true},
		{name: "budget", conds: conds("!object.spec.big.contains('b')", "!object.spec.big.contains('b')", "!object.spec.big.contains('b')"),
			edit:    func(in *Input) { in.Object["spec"].(map[string]any)["big"] = strings.Repeat("a", 9_000_000) },
			wantErr: ErrBudgetExceeded.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := c.CompilePreconditions(tt.conds)
			require.NoError(t, err)
			in := Input{Object: obj(t, testPod), Request: podRequest("CREATE", "web", "shop")}
			if tt.edit != nil {
				tt.edit(&in)
			}
			for _, in := range []Input{in, in.Prepare()} {
				got, err := p.Match(context.Background(), in)
				if tt.wantErr != "" {
					assert.ErrorContains(t, err, tt.wantErr)
					assert.False(t, got)
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, tt.want, got)
			}
		})
	}
}

func TestNilPreconditionsMatch(t *testing.T) {
	var p *Preconditions
	got, err := p.Match(context.Background(), Input{})
	require.NoError(t, err)
	assert.True(t, got)
}
