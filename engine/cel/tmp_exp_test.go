package cel

import (
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/stretchr/testify/require"
)

const expAll = `(has(object.spec.containers) ? object.spec.containers : []).all(container,
                  has(container.securityContext) &&
                  has(container.securityContext.capabilities) &&
                  has(container.securityContext.capabilities.drop) &&
                  container.securityContext.capabilities.drop.exists_one(capability, capability == 'ALL'))`

func benchPlain(b *testing.B, track bool, optimize bool, preconv bool) {
	env, err := cel.NewEnv(cel.Variable("object", cel.DynType))
	require.NoError(b, err)
	ast, iss := env.Compile(expAll)
	require.NoError(b, iss.Err())
	var opts []cel.ProgramOption
	eo := []cel.EvalOption{}
	if optimize { eo = append(eo, cel.OptOptimize) }
	if track { eo = append(eo, cel.OptTrackCost); opts = append(opts, cel.CostLimit(1000000)) }
	opts = append(opts, cel.EvalOptions(eo...))
	prg, err := env.Program(ast, opts...)
	require.NoError(b, err)
	pod := obj(b, benchPod)
	var v any = types.NewStringInterfaceMap(types.DefaultTypeAdapter, pod)
	if preconv { v = deepVal(pod) }
	act := map[string]any{"object": v}
	out, _, err := prg.Eval(act)
	require.NoError(b, err)
	require.Equal(b, types.True, out)
	b.ReportAllocs()
	for b.Loop() {
		prg.Eval(act)
	}
}

func deepVal(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x { m[k] = deepVal(e) }
		return types.NewStringInterfaceMap(types.DefaultTypeAdapter, m)
	case []any:
		l := make([]any, len(x))
		for i, e := range x { l[i] = deepVal(e) }
		return types.NewDynamicList(types.DefaultTypeAdapter, l)
	}
	return types.DefaultTypeAdapter.NativeToValue(v)
}

func BenchmarkExpPlain(b *testing.B)     { benchPlain(b, false, true, false) }
func BenchmarkExpTrack(b *testing.B)     { benchPlain(b, true, true, false) }
func BenchmarkExpPlainPre(b *testing.B)  { benchPlain(b, false, true, true) }
func BenchmarkExpTrackPre(b *testing.B)  { benchPlain(b, true, true, true) }
