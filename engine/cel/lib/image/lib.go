package image

import (
	"fmt"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/go-containerregistry/pkg/name"
)

// Type is the CEL type of a parsed reference.
var Type = cel.ObjectType("kyverno.image")

// Reference is a parsed image reference as a CEL value.
type Reference struct{ ref name.Reference }

// Parse parses an image reference as Kyverno does.
func Parse(s string) (Reference, error) {
	r, err := name.ParseReference(s)
	if err != nil {
		return Reference{}, err
	}
	return Reference{ref: r}, nil
}

// Registry is the registry host, e.g. index.docker.io.
func (r Reference) Registry() string { return r.ref.Context().RegistryStr() }

// Repository is the repository path, e.g. library/nginx.
func (r Reference) Repository() string { return r.ref.Context().RepositoryStr() }

// Identifier is the digest of a reference by digest, else its tag.
func (r Reference) Identifier() string { return r.ref.Identifier() }

// Tag is the tag of a reference by tag (latest when none is written), "" for a reference by digest.
func (r Reference) Tag() string {
	if t, ok := r.ref.(name.Tag); ok {
		return t.TagStr()
	}
	return ""
}

// Digest is the digest of a reference by digest, else "".
func (r Reference) Digest() string {
	if d, ok := r.ref.(name.Digest); ok {
		return d.DigestStr()
	}
	return ""
}

// IdentifierWithSeparator is what follows the repository in the reference: ":tag", "@digest" or ":tag@digest";
// ":latest" when neither is written.
func (r Reference) IdentifierWithSeparator() string {
	full, repo := r.ref.String(), r.ref.Context().String()
	if len(full) > len(repo) {
		return full[len(repo):]
	}
	if id := r.ref.Identifier(); id != "" {
		return ":" + id
	}
	return ""
}

// String is the reference as parsed.
func (r Reference) String() string { return r.ref.String() }

// ConvertToNative implements ref.Val: to Reference or to its string.
func (r Reference) ConvertToNative(t reflect.Type) (any, error) {
	switch {
	case reflect.TypeOf(r).AssignableTo(t):
		return r, nil
	case reflect.TypeOf("").AssignableTo(t):
		return r.String(), nil
	}
	return nil, fmt.Errorf("type conversion error from '%s' to '%v'", Type, t)
}

// ConvertToType implements ref.Val.
func (r Reference) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case Type:
		return r
	case types.StringType:
		return types.String(r.String())
	case types.TypeType:
		return Type
	}
	return types.NewErr("type conversion error from '%s' to '%s'", Type, t)
}

// Equal implements ref.Val: references are equal when they print the same.
func (r Reference) Equal(other ref.Val) ref.Val {
	o, ok := other.(Reference)
	if !ok {
		return types.MaybeNoSuchOverloadErr(other)
	}
	return types.Bool(r.String() == o.String())
}

// Type implements ref.Val.
func (r Reference) Type() ref.Type { return Type }

// Value implements ref.Val.
func (r Reference) Value() any { return r }

var _ ref.Val = Reference{}
