package lib

import (
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// Receiver implements ref.Val for the values that only receive member calls, such as `resource` and `http`: they
// cannot be compared, converted or printed. Embed it and add Value.
type Receiver struct {
	T *types.Type
}

// ConvertToNative implements ref.Val: receivers have no Go form.
func (r Receiver) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("%s cannot be converted to %v", r.T, t)
}

// ConvertToType implements ref.Val: only to type.
func (r Receiver) ConvertToType(t ref.Type) ref.Val {
	if t == types.TypeType {
		return r.T
	}
	return types.NewErr("type conversion error from '%s' to '%s'", r.T, t)
}

// Equal implements ref.Val: receivers are not comparable.
func (r Receiver) Equal(other ref.Val) ref.Val { return types.MaybeNoSuchOverloadErr(other) }

// Type implements ref.Val.
func (r Receiver) Type() ref.Type { return r.T }

// String returns the string value of v, or an error value naming the function and the argument position.
func String(function string, pos int, v ref.Val) (string, ref.Val) {
	s, ok := v.(types.String)
	if !ok {
		return "", types.NewErr("%s: argument %d: expected string, got %s", function, pos, typeName(v))
	}
	return string(s), nil
}

// StringMap returns a map(string, string) argument as a Go map, or an error value.
func StringMap(function string, pos int, v ref.Val) (map[string]string, ref.Val) {
	m, ok := v.(traits.Mapper)
	if !ok {
		return nil, types.NewErr("%s: argument %d: expected map(string, string), got %s", function, pos, typeName(v))
	}
	out := map[string]string{}
	for it := m.Iterator(); it.HasNext() == types.True; {
		k := it.Next()
		ks, ok := k.(types.String)
		vs, ok2 := m.Get(k).(types.String)
		if !ok || !ok2 {
			return nil, types.NewErr("%s: argument %d: expected map(string, string)", function, pos)
		}
		out[string(ks)] = string(vs)
	}
	return out, nil
}

// StringList returns a list(string) argument as a Go slice, or an error value.
func StringList(function string, pos int, v ref.Val) ([]string, ref.Val) {
	l, ok := v.(traits.Lister)
	if !ok {
		return nil, types.NewErr("%s: argument %d: expected list(string), got %s", function, pos, typeName(v))
	}
	var out []string
	for it := l.Iterator(); it.HasNext() == types.True; {
		s, ok := it.Next().(types.String)
		if !ok {
			return nil, types.NewErr("%s: argument %d: expected list(string)", function, pos)
		}
		out = append(out, string(s))
	}
	return out, nil
}

// maxDepth bounds the nesting ToJSON follows; deeper values are an error (CEL values are finite, this only stops
// pathological inputs early).
const maxDepth = 1000

// ToJSON converts a CEL value to the Go values decoded JSON holds: map[string]any, []any, string, bool, nil, int64,
// uint64 and float64 (bytes become base64 strings, timestamps and durations their string forms), as Kyverno
// sends request bodies. Maps with non-string keys are an error.
func ToJSON(v ref.Val) (any, error) { return toJSON(v, 0) }

func toJSON(v ref.Val, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("value nested deeper than %d levels", maxDepth)
	}
	switch x := v.(type) {
	case types.Null:
		return nil, nil
	case types.Bool:
		return bool(x), nil
	case types.Int:
		return int64(x), nil
	case types.Uint:
		return uint64(x), nil
	case types.Double:
		return float64(x), nil
	case types.String:
		return string(x), nil
	case types.Bytes:
		return base64.StdEncoding.EncodeToString(x), nil
	case traits.Mapper:
		return mapToJSON(x, depth)
	case traits.Lister:
		return listToJSON(x, depth)
	}
	if s, ok := v.ConvertToType(types.StringType).(types.String); ok {
		return string(s), nil
	}
	return nil, fmt.Errorf("a %s value cannot be sent as JSON", typeName(v))
}

func mapToJSON(m traits.Mapper, depth int) (any, error) {
	out := map[string]any{}
	for it := m.Iterator(); it.HasNext() == types.True; {
		k := it.Next()
		ks, ok := k.(types.String)
		if !ok {
			return nil, fmt.Errorf("map key of type %s: JSON object keys are strings", typeName(k))
		}
		e, err := toJSON(m.Get(k), depth+1)
		if err != nil {
			return nil, err
		}
		out[string(ks)] = e
	}
	return out, nil
}

func listToJSON(l traits.Lister, depth int) (any, error) {
	out := []any{}
	for it := l.Iterator(); it.HasNext() == types.True; {
		e, err := toJSON(it.Next(), depth+1)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func typeName(v ref.Val) string {
	if v == nil || v.Type() == nil {
		return "unknown"
	}
	return v.Type().TypeName()
}

// ErrUnbound is the error of a call to a context-bound library when the evaluation binds no client for it: the
// call fails, it never passes.
var ErrUnbound = errors.New("no source of outside data is bound to this evaluation")
