package json

import (
	"bytes"
	gojson "encoding/json"
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Name is the variable the library declares.
const Name = "json"

// Type is the CEL type of the `json` variable.
var Type = cel.OpaqueType("json.Json")

const (
	overloadUnmarshal = "unmarshal_string_dyn"
	overloadMarshal   = "marshal_dyn_string"
)

type value struct{ lib.Receiver }

func (v value) Value() any { return v }

// Lib returns the json library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.json" }

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	return []cel.EnvOption{est, cel.Variable(Name, Type),
		cel.Function("unmarshal", cel.MemberOverload(overloadUnmarshal, []*cel.Type{Type, cel.StringType}, cel.DynType,
			cel.BinaryBinding(unmarshal))),
		cel.Function("marshal", cel.MemberOverload(overloadMarshal, []*cel.Type{Type, cel.DynType}, cel.StringType,
			cel.BinaryBinding(marshal))),
	}
}

// ProgramOptions implements cel.Library: the variable is bound for every evaluation.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track, cel.Globals(map[string]any{Name: value{lib.Receiver{T: Type}}})}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	un := lib.Linear(lib.ByteFactor, nil, 1)
	un.Overload = overloadUnmarshal
	m := lib.ResultLinear(lib.ByteFactor, 1)
	m.Overload = overloadMarshal
	return lib.Costs(un, m)
}

// Unmarshal decodes one JSON document; trailing data is an error.
func Unmarshal(data []byte) (any, error) {
	dec := gojson.NewDecoder(bytes.NewReader(data))
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, fmt.Errorf("invalid JSON: data after the document")
	}
	return out, nil
}

func unmarshal(_, arg ref.Val) ref.Val {
	s, errVal := lib.String("json.unmarshal", 0, arg)
	if errVal != nil {
		return errVal
	}
	out, err := Unmarshal([]byte(s))
	if err != nil {
		return types.NewErr("json.unmarshal: %v", err)
	}
	return types.DefaultTypeAdapter.NativeToValue(out)
}

func marshal(_, arg ref.Val) ref.Val {
	v, err := lib.ToJSON(arg)
	if err != nil {
		return types.NewErr("json.marshal: %v", err)
	}
	out, err := gojson.Marshal(v)
	if err != nil {
		return types.NewErr("json.marshal: %v", err)
	}
	return types.String(out)
}
