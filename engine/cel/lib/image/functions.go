package image

import (
	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Lib returns the image reference library.
func Lib() cel.EnvOption { return cel.Lib(library{}) }

type library struct{}

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.image" }

// parsers are the global functions taking a string, by overload ID.
func parsers() []struct {
	function, id string
	result       *cel.Type
	bind         func(ref.Val) ref.Val
} {
	return []struct {
		function, id string
		result       *cel.Type
		bind         func(ref.Val) ref.Val
	}{
		{"image", "string_to_image_deprecated", Type, parse},
		{"parseImageReference", "string_to_image", Type, parse},
		{"isImage", "is_image_string", cel.BoolType, isImage},
	}
}

// accessors are the member functions of kyverno.image, by overload ID.
func accessors() []struct {
	function, id string
	result       *cel.Type
	get          func(Reference) ref.Val
} {
	return []struct {
		function, id string
		result       *cel.Type
		get          func(Reference) ref.Val
	}{
		{"containsDigest", "image_contains_digest", cel.BoolType, func(r Reference) ref.Val { return types.Bool(r.Digest() != "") }},
		{"registry", "image_registry", cel.StringType, func(r Reference) ref.Val { return types.String(r.Registry()) }},
		{"repository", "image_repository", cel.StringType, func(r Reference) ref.Val { return types.String(r.Repository()) }},
		{"identifier", "image_identifier", cel.StringType, func(r Reference) ref.Val { return types.String(r.Identifier()) }},
		{"identifierWithSeparator", "image_identifier_with_separator", cel.StringType,
			func(r Reference) ref.Val { return types.String(r.IdentifierWithSeparator()) }},
		{"tag", "image_tag", cel.StringType, func(r Reference) ref.Val { return types.String(r.Tag()) }},
		{"digest", "image_digest", cel.StringType, func(r Reference) ref.Val { return types.String(r.Digest()) }},
	}
}

// CompileOptions implements cel.Library.
func (library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	opts := []cel.EnvOption{est, cel.Types(Type)}
	for _, p := range parsers() {
		opts = append(opts, cel.Function(p.function, cel.Overload(p.id, []*cel.Type{cel.StringType}, p.result,
			cel.UnaryBinding(p.bind))))
	}
	for _, a := range accessors() {
		opts = append(opts, cel.Function(a.function, cel.MemberOverload(a.id, []*cel.Type{Type}, a.result,
			cel.UnaryBinding(accessor(a.get)))))
	}
	return opts
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

// costs: parsing reads the string once; accessors return a part of the reference, whose size the parser's
// argument bounds (references are sized like the string they were parsed from).
func costs() (cel.EnvOption, cel.ProgramOption) {
	var cs []lib.Cost
	for _, p := range parsers() {
		c := lib.Linear(lib.ByteFactor, lib.SizeOfArg(0), 0)
		c.Overload = p.id
		cs = append(cs, c)
	}
	for _, a := range accessors() {
		c := lib.Linear(lib.ByteFactor, lib.SizeOfArg(0), 0)
		c.Overload = a.id
		cs = append(cs, c)
	}
	return lib.Costs(cs...)
}

// Size implements traits.Sizer for the cost tracker: a reference is as large as its string form.
func (r Reference) Size() ref.Val { return types.Int(len(r.String())) }

func parse(arg ref.Val) ref.Val {
	s, errVal := lib.String("parseImageReference", 0, arg)
	if errVal != nil {
		return errVal
	}
	r, err := Parse(s)
	if err != nil {
		return types.WrapErr(err)
	}
	return r
}

func isImage(arg ref.Val) ref.Val {
	s, errVal := lib.String("isImage", 0, arg)
	if errVal != nil {
		return errVal
	}
	_, err := Parse(s)
	return types.Bool(err == nil)
}

func accessor(get func(Reference) ref.Val) func(ref.Val) ref.Val {
	return func(arg ref.Val) ref.Val {
		r, ok := arg.(Reference)
		if !ok {
			return types.MaybeNoSuchOverloadErr(arg)
		}
		return get(r)
	}
}
