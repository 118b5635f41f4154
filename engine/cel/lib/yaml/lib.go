package yaml

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Name is the variable the library declares.
const Name = "yaml"

// Type is the CEL type of the `yaml` variable.
var Type = cel.OpaqueType("yaml.Yaml")

const overloadParse = "parse_string_dyn"

type value struct{ lib.Receiver }

func (v value) Value() any { return v }

// Lib returns the yaml library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.yaml" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	return []cel.EnvOption{est, cel.Variable(Name, Type),
		cel.Function("parse", cel.MemberOverload(overloadParse, []*cel.Type{Type, cel.StringType}, cel.DynType,
			cel.BinaryBinding(parse))),
	}
}

// ProgramOptions implements cel.Library: the variable is bound for every evaluation.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track, cel.Globals(map[string]any{Name: value{lib.Receiver{T: Type}}})}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	c := lib.Linear(lib.ByteFactor, nil, 1)
	c.Overload = overloadParse
	return lib.Costs(c)
}

func parse(_, arg ref.Val) ref.Val {
	s, errVal := lib.String("yaml.parse", 0, arg)
	if errVal != nil {
		return errVal
	}
	var out any
	if err := yaml.Unmarshal([]byte(s), &out); err != nil {
		return types.NewErr("yaml.parse: %v", err)
	}
	return types.DefaultTypeAdapter.NativeToValue(out)
}
