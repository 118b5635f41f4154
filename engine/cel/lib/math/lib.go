package math

import (
	gomath "math"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// roundOverload is Kyverno's overload ID.
const roundOverload = "math_round_float_int"

// Lib returns the math library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.math" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	return []cel.EnvOption{est, cel.Function("math.round", cel.Overload(roundOverload,
		[]*cel.Type{cel.DoubleType, cel.IntType}, cel.DoubleType, cel.BinaryBinding(round)))}
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	c := lib.Fixed(1, nil)
	c.Overload = roundOverload
	return lib.Costs(c)
}

func round(value, places ref.Val) ref.Val {
	v, ok := value.(types.Double)
	p, ok2 := places.(types.Int)
	if !ok || !ok2 {
		return types.NewErr("math.round: expected (double, int), got (%s, %s)", value.Type().TypeName(), places.Type().TypeName())
	}
	shift := gomath.Pow(10, float64(p))
	return types.Double(gomath.Round(float64(v)*shift) / shift)
}
