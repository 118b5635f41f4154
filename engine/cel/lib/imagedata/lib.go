package imagedata

import (
	"context"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Name is the variable the library declares.
const Name = "image"

// Type is the CEL type of the `image` variable.
var Type = cel.OpaqueType("imagedata.Context")

// Client reads image metadata from a registry.
type Client interface {
	ImageData(ctx context.Context, reference string) (map[string]any, error)
}

type value struct {
	lib.Receiver
	ctx    context.Context
	client Client
}

// Value implements ref.Val.
func (v value) Value() any { return v }

// Value is the `image` variable for one evaluation: c serves the calls (nil makes every call fail with
// lib.ErrUnbound), with ctx.
func Value(ctx context.Context, c Client) ref.Val {
	return value{Receiver: lib.Receiver{T: Type}, ctx: ctx, client: c}
}

// Lib returns the image metadata library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.imagedata" }

func spellings() []struct{ function, id string } {
	return []struct{ function, id string }{
		{"GetMetadata", "imagedata_get_string_pascal"},
		{"getMetadata", "imagedata_get_string_camel"},
	}
}

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	opts := []cel.EnvOption{est, cel.Variable(Name, Type)}
	for _, s := range spellings() {
		opts = append(opts, cel.Function(s.function, cel.MemberOverload(s.id, []*cel.Type{Type, cel.StringType},
			cel.DynType, cel.BinaryBinding(getMetadata))))
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
		c := lib.Fixed(lib.ExternalCall, nil)
		c.Overload = s.id
		cs = append(cs, c)
	}
	return lib.Costs(cs...)
}

func getMetadata(recv, arg ref.Val) ref.Val {
	v, ok := recv.(value)
	if !ok {
		return types.MaybeNoSuchOverloadErr(recv)
	}
	reference, errVal := lib.String("image.GetMetadata", 0, arg)
	if errVal != nil {
		return errVal
	}
	if v.client == nil {
		return types.NewErr("failed to get image data: %v", lib.ErrUnbound)
	}
	out, err := v.client.ImageData(v.ctx, reference)
	if err != nil {
		return types.NewErr("failed to get image data: %v", err)
	}
	return types.DefaultTypeAdapter.NativeToValue(out)
}
