// Package libtest runs CEL expressions against one Kyverno library in tests: it builds an environment with the
// library, compiles, evaluates with cost tracking and reports the value, the error and the actual cost.
package libtest

import (
	"fmt"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Env builds an environment with optional types, the strings and encoders extensions and opts.
func Env(t testing.TB, opts ...cel.EnvOption) *cel.Env {
	t.Helper()
	base := []cel.EnvOption{cel.OptionalTypes(), ext.Strings(), ext.Encoders(), cel.DefaultUTCTimeZone(true)}
	env, err := cel.NewEnv(append(base, opts...)...)
	require.NoError(t, err)
	return env
}

// Result is what an evaluation gave.
type Result struct {
	Val  ref.Val
	Err  error
	Cost uint64
}

// Eval compiles expr in env (failing the test on a compilation error) and evaluates it with vars and cost
// tracking (no limit).
func Eval(t testing.TB, env *cel.Env, expr string, vars map[string]any) Result {
	t.Helper()
	ast, issues := env.Compile(expr)
	require.NoError(t, issues.Err(), "compile %s", expr)
	prog, err := env.Program(ast, cel.CostTracking(nil))
	require.NoError(t, err)
	if vars == nil {
		vars = map[string]any{}
	}
	val, det, err := prog.Eval(vars)
	var cost uint64
	if det != nil && det.ActualCost() != nil {
		cost = *det.ActualCost()
	}
	return Result{Val: val, Err: err, Cost: cost}
}

// Native returns the Go form of r's value (see lib.ToJSON), failing the test on an evaluation error.
func (r Result) Native(t testing.TB) any {
	t.Helper()
	require.NoError(t, r.Err)
	out, err := lib.ToJSON(r.Val)
	require.NoError(t, err)
	return out
}

// CompileError returns the compilation error of expr in env, or "" when it compiles.
func CompileError(env *cel.Env, expr string) string {
	_, issues := env.Compile(expr)
	if issues == nil || issues.Err() == nil {
		return ""
	}
	return fmt.Sprint(issues.Err())
}
