package generator

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func TestApply(t *testing.T) {
	env := libtest.Env(t, Lib())
	cm := func(name, ns string) map[string]any {
		meta := map[string]any{"name": name}
		if ns != "" {
			meta["namespace"] = ns
		}
		return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}
	}
	tests := []struct {
		name, expr, policyNS string
		want                 []map[string]any
		err                  string
	}{
		{name: "sets the namespace", expr: `generator.Apply("a", [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "b"}}])`,
			want: []map[string]any{cm("x", "a")}},
		{name: "empty namespace clears it", expr: `generator.Apply("", [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "b"}}])`,
			want: []map[string]any{cm("x", "")}},
		{name: "one argument keeps the namespace", expr: `generator.Apply([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "b"}}])`,
			want: []map[string]any{cm("x", "b")}},
		{name: "one argument of a namespaced policy uses its namespace", policyNS: "team", expr: `generator.Apply([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}])`,
			want: []map[string]any{cm("x", "team")}},
		{name: "lists are expanded", expr: `generator.Apply("a", [{"apiVersion": "v1", "kind": "ConfigMapList", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}, {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "y"}}]}])`,
			want: []map[string]any{cm("x", "a"), cm("y", "a")}},
		{name: "namespaced policy may not leave its namespace", policyNS: "team", expr: `generator.Apply("kube-system", [{"metadata": {"name": "x"}}])`,
			err: `namespace "kube-system" is outside the policy's namespace "team"`},
		{name: "namespaced policy may not generate cluster-scoped", policyNS: "team", expr: `generator.Apply("", [{"metadata": {"name": "x"}}])`,
			err: `namespace "" is outside the policy's namespace "team"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &Recorder{Namespace: tt.policyNS}
			res := libtest.Eval(t, env, tt.expr, map[string]any{Name: Value(rec)})
			if tt.err != "" {
				require.Error(t, res.Err)
				assert.Contains(t, res.Err.Error(), tt.err)
				assert.Empty(t, rec.Intents())
				return
			}
			require.NoError(t, res.Err)
			var got []map[string]any
			for _, in := range rec.Intents() {
				got = append(got, in.Object)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestApplyUnbound(t *testing.T) {
	env := libtest.Env(t, Lib())
	res := libtest.Eval(t, env, `generator.Apply("a", [])`, map[string]any{Name: Value(nil)})
	require.Error(t, res.Err)
	assert.Contains(t, res.Err.Error(), ErrUnbound.Error())
}

func TestRecorderMax(t *testing.T) {
	rec := &Recorder{Max: 1}
	err := rec.Record("a", true, []map[string]any{{"kind": "A"}, {"kind": "B"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 1 objects")
}
