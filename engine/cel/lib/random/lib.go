package random

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Overload IDs, as Kyverno names them.
const (
	overloadPattern = "random_string"
	overloadDefault = "random_string_default_expr"
)

// Lib returns the random library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.random" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	return []cel.EnvOption{est, cel.Function("random",
		cel.Overload(overloadPattern, []*cel.Type{cel.StringType}, cel.StringType, cel.UnaryBinding(random)),
		cel.Overload(overloadDefault, []*cel.Type{}, cel.StringType, cel.FunctionBinding(randomDefault)),
	)}
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	pattern := lib.ResultLinear(lib.ByteFactor, 0)
	pattern.Overload = overloadPattern
	read := lib.Linear(lib.ByteFactor, lib.SizeAtMost(maxOutput), 0).Estimate
	pattern.Estimate = func(est checker.CostEstimator, target *checker.AstNode, args []checker.AstNode) *checker.CallEstimate {
		call := read(est, target, args)
		call.Max += maxOutput * lib.ByteFactor // the generated characters
		return call
	}
	def := lib.Fixed(2, &checker.SizeEstimate{Min: 8, Max: 8})
	def.Overload = overloadDefault
	return lib.Costs(pattern, def)
}

func random(arg ref.Val) ref.Val {
	pattern, errVal := lib.String("random", 0, arg)
	if errVal != nil {
		return errVal
	}
	out, err := Generate(pattern)
	if err != nil {
		return types.WrapErr(err)
	}
	return types.String(out)
}

func randomDefault(...ref.Val) ref.Val {
	out, err := Generate(defaultPattern)
	if err != nil {
		return types.WrapErr(err)
	}
	return types.String(out)
}
