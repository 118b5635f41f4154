package cel

import (
	"context"
	"testing"

	"github.com/google/cel-go/common/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// TestSharedKey: only variables that read nothing but the input are shared, under their unparsed expression, or
// their source text when it has macros.
func TestSharedKey(t *testing.T) {
	c := newCompiler(t)
	p, err := c.Compile(&v1alpha1.CEL{
		ParamKind: &admissionregistrationv1.ParamKind{Kind: "ConfigMap"},
		Variables: vars(
			"names", "object.spec.containers.map(c,\n  c.name)",
			"constant", "['a', 'b']",
			"concat", "object.spec.containers +\n   object.spec.?initContainers.orValue( [] )",
			"fromParams", "params.data.names",
			"fromVariables", "variables.names.size()",
			"request", "request.operation == 'CREATE' && namespaceObject == null && oldObject == null"),
		Expressions: exprs("true", "", "")})
	require.NoError(t, err)
	got := map[string]string{}
	for _, v := range p.variables {
		got[v.name] = v.shareKey
	}
	assert.Equal(t, map[string]string{
		"names":         "object.spec.containers.map(c,\n  c.name)",
		"constant":      `["a", "b"]`,
		"concat":        "object.spec.containers + object.spec.?initContainers.orValue([])",
		"fromParams":    "",
		"fromVariables": "",
		"request":       `request.operation == "CREATE" && namespaceObject == null && oldObject == null`,
	}, got)
}

// TestSharedVariables: an untracked evaluation of a prepared input takes a shared variable another rule computed
// (a planted value proves it), tracked evaluations neither use nor record shared values, and errors are not
// shared.
func TestSharedVariables(t *testing.T) {
	c := newCompiler(t)
	compile := func(expr, check string) *Program {
		p, err := c.Compile(&v1alpha1.CEL{Variables: vars("v", expr), Expressions: exprs(check, "", "")})
		require.NoError(t, err)
		return p
	}
	ctx := context.Background()
	names := compile("object.spec.containers.map(c, c.name)", "variables.v == ['web', 'sidecar']")
	spaced := compile(" object.spec.containers.map(c, c.name)\n", "variables.v == ['planted']")
	in := Input{Object: obj(t, testPod)}

	prepared := in.Prepare()
	assert.Equal(t, StatusPass, names.Evaluate(ctx, prepared).Status)
	key := names.variables[0].shareKey
	val, ok := prepared.prepared.sharedVariable(key)
	require.True(t, ok)
	assert.Equal(t, types.True, val.Equal(types.NewStringList(types.DefaultTypeAdapter, []string{"web", "sidecar"})))

	prepared = in.Prepare()
	prepared.prepared.shareVariable(key, types.NewStringList(types.DefaultTypeAdapter, []string{"planted"}))
	assert.Equal(t, StatusPass, spaced.Evaluate(ctx, prepared).Status, "the planted value is used")
	assert.Equal(t, StatusFail, spaced.evaluate(ctx, prepared, false).Status, "tracked evaluations compute their own")

	prepared = in.Prepare()
	assert.Equal(t, StatusPass, names.evaluate(ctx, prepared, false).Status)
	_, ok = prepared.prepared.sharedVariable(key)
	assert.False(t, ok, "tracked evaluations record nothing")

	failing := compile("object.spec.nope.map(c, c.name)", "variables.v.size() > 0")
	prepared = in.Prepare()
	assert.Equal(t, StatusError, failing.Evaluate(ctx, prepared).Status)
	_, ok = prepared.prepared.sharedVariable(failing.variables[0].shareKey)
	assert.False(t, ok, "errors are not shared")
}
