package globalcontext

import (
	"context"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Name is the variable the library declares.
const Name = "globalContext"

// Type is the CEL type of the `globalContext` variable.
var Type = cel.OpaqueType("globalcontext.Context")

// Client reads global context entries: the entry's data, or with a projection that projection's data.
type Client interface {
	GlobalContext(ctx context.Context, name, projection string) (any, error)
}

type value struct {
	lib.Receiver
	ctx    context.Context
	client Client
}

// Value implements ref.Val.
func (v value) Value() any { return v }

// Value is the `globalContext` variable for one evaluation: c serves the calls (nil makes every call fail with
// lib.ErrUnbound), with ctx.
func Value(ctx context.Context, c Client) ref.Val {
	return value{Receiver: lib.Receiver{T: Type}, ctx: ctx, client: c}
}

// Lib returns the globalContext library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.globalcontext" }

func spellings() []struct{ function, suffix string } {
	return []struct{ function, suffix string }{{"Get", "pascal"}, {"get", "camel"}}
}

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	opts := []cel.EnvOption{est, cel.Variable(Name, Type)}
	for _, s := range spellings() {
		opts = append(opts, cel.Function(s.function,
			cel.MemberOverload("globalcontext_get_string_"+s.suffix, []*cel.Type{Type, cel.StringType}, cel.DynType,
				cel.FunctionBinding(get)),
			cel.MemberOverload("globalcontext_get_string_string_"+s.suffix, []*cel.Type{Type, cel.StringType, cel.StringType},
				cel.DynType, cel.FunctionBinding(get))))
	}
	return opts
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	var cs []lib.Cost
	for _, s := range spellings() {
		for _, id := range []string{"globalcontext_get_string_", "globalcontext_get_string_string_"} {
			c := lib.Fixed(lib.ExternalCall, nil)
			c.Overload = id + s.suffix
			cs = append(cs, c)
		}
	}
	return lib.Costs(cs...)
}

func get(args ...ref.Val) ref.Val {
	v, ok := args[0].(value)
	if !ok || len(args) < 2 {
		return types.MaybeNoSuchOverloadErr(args[0])
	}
	name, errVal := lib.String(Name, 1, args[1])
	if errVal != nil {
		return errVal
	}
	var projection string
	if len(args) > 2 {
		if projection, errVal = lib.String(Name, 2, args[2]); errVal != nil {
			return errVal
		}
	}
	if v.client == nil {
		return types.NewErr("failed to get global reference: %v", lib.ErrUnbound)
	}
	out, err := v.client.GlobalContext(v.ctx, name, projection)
	if err != nil {
		return types.NewErr("failed to get global reference: %v", err)
	}
	return types.DefaultTypeAdapter.NativeToValue(out)
}
