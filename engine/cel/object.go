package cel

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apiserver/pkg/cel/common"
	"k8s.io/apiserver/pkg/cel/mutation"
)

// patchTypes resolves the types of mutation expressions: `JSONPatch` (k8s.io/apiserver's) and the `Object` types
// of apply configurations, `Object`, `Object.spec`, `Object.spec.containers`, ... (this file's, with every field
// dynamic, as the API server declares them when it has no schema).
type patchTypes struct{}

var _ common.TypeResolver = patchTypes{}

// Resolve implements common.TypeResolver.
func (patchTypes) Resolve(name string) (common.ResolvedType, bool) {
	if name == mutation.JSONPatchTypeName {
		return &mutation.JSONPatchType{}, true
	}
	if name == mutation.ObjectTypeName || strings.HasPrefix(name, mutation.ObjectTypeName+".") {
		return &objectType{t: types.NewObjectType(name)}, true
	}
	return nil, false
}

// objectType is one `Object...` type: any field name is allowed, every field is dynamic.
type objectType struct {
	t *types.Type
}

func (o *objectType) HasTrait(trait int) bool { return o.t.HasTrait(trait) }
func (o *objectType) TypeName() string        { return o.t.TypeName() }
func (o *objectType) Type() *types.Type       { return o.t }
func (o *objectType) FieldNames() ([]string, bool) {
	return nil, true // every name is a field
}

// Val returns the value an `Object...{...}` literal builds.
func (o *objectType) Val(fields map[string]ref.Val) ref.Val {
	return &objectVal{t: o.t, fields: fields}
}

// Field declares every field dynamic; reads go through the value's map form.
func (o *objectType) Field(name string) (*types.FieldType, bool) {
	return &types.FieldType{
		Type: types.DynType,
		IsSet: func(target any) bool {
			m, ok := target.(map[string]any)
			_, set := m[name]
			return ok && set
		},
		GetFrom: func(target any) (any, error) {
			if m, ok := target.(map[string]any); ok {
				return m[name], nil
			}
			return nil, fmt.Errorf("cannot get field %q", name)
		},
	}, true
}

// objectVal is the value of an `Object...{...}` literal: its type and its fields as CEL values. It is turned into a
// map once, by applyConfigurationOf or nativeOf, which check on the way that the type names of nested objects
// follow their field paths.
type objectVal struct {
	t      *types.Type
	fields map[string]ref.Val
}

var (
	_ ref.Val       = (*objectVal)(nil)
	_ traits.Zeroer = (*objectVal)(nil)
)

// ConvertToNative converts the object to map[string]any, or to a protobuf Struct or Value (for JSON encoding).
func (v *objectVal) ConvertToNative(typeDesc reflect.Type) (any, error) {
	m, err := v.toMap(v.t.TypeName())
	if err != nil {
		return nil, err
	}
	switch typeDesc {
	case reflect.TypeFor[map[string]any]():
		return m, nil
	case reflect.TypeFor[*structpb.Struct]():
		return structpb.NewStruct(m)
	case reflect.TypeFor[*structpb.Value]():
		return structpb.NewValue(m)
	}
	return nil, fmt.Errorf("unable to convert %s to %v", v.t.TypeName(), typeDesc)
}

// ConvertToType converts to the object's own type or to its type value.
func (v *objectVal) ConvertToType(typeValue ref.Type) ref.Val {
	if typeValue.TypeName() == v.t.TypeName() {
		return v
	}
	if typeValue == types.TypeType {
		return types.NewTypeTypeWithParam(v.t)
	}
	return types.NewErr("unsupported conversion from %s to %v", v.t.TypeName(), typeValue)
}

// Equal reports whether other is an object of the same type with equal fields.
func (v *objectVal) Equal(other ref.Val) ref.Val {
	o, ok := other.(*objectVal)
	if !ok || o.t.TypeName() != v.t.TypeName() || len(o.fields) != len(v.fields) {
		return types.False
	}
	for k, f := range v.fields {
		g, ok := o.fields[k]
		if !ok || f.Equal(g) != types.True {
			return types.False
		}
	}
	return types.True
}

// Type returns the object's type.
func (v *objectVal) Type() ref.Type { return v.t }

// Value returns the object as a map, or an error value when it cannot be converted.
func (v *objectVal) Value() any {
	m, err := v.toMap(v.t.TypeName())
	if err != nil {
		return types.WrapErr(err)
	}
	return m
}

// IsZeroValue reports whether the object has no fields.
func (v *objectVal) IsZeroValue() bool { return len(v.fields) == 0 }

// toMap converts the object at path, the type name its field path calls for.
func (v *objectVal) toMap(path string) (map[string]any, error) {
	if name := v.t.TypeName(); name != path {
		return nil, fmt.Errorf("type mismatch: unexpected type name %q, expected %q, which matches the field path from the root Object type", name, path)
	}
	out := make(map[string]any, len(v.fields))
	for k, f := range v.fields {
		n, err := nativeAt(f, path+"."+k)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		out[k] = n
	}
	return out, nil
}

// nativeAt converts a field value found at path: objects in it, directly or inside lists and maps, must be of the
// type named path.
func nativeAt(v ref.Val, path string) (any, error) {
	switch x := v.(type) {
	case *objectVal:
		return x.toMap(path)
	case traits.Lister:
		if l, lazy := x.(*lazyList); lazy {
			return normalizeNative(l.raw) // the input's own list: no objects in it, shared rather than copied
		}
		out := []any{}
		for it, i := x.Iterator(), 0; it.HasNext() == types.True; i++ {
			n, err := nativeAt(it.Next(), path)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			out = append(out, n)
		}
		return out, nil
	case traits.Mapper:
		if m, lazy := x.(*lazyMap); lazy {
			return normalizeNative(m.raw)
		}
		return nativeMapAt(x, path)
	}
	return nativeOf(v)
}

func nativeMapAt(m traits.Mapper, path string) (map[string]any, error) {
	out := make(map[string]any)
	for it := m.Iterator(); it.HasNext() == types.True; {
		k := it.Next()
		key, ok := k.(types.String)
		if !ok {
			return nil, fmt.Errorf("map key %v is of type %s, not string", k, k.Type().TypeName())
		}
		n, err := nativeAt(m.Get(k), path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out[string(key)] = n
	}
	return out, nil
}
