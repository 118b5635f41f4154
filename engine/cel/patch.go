package cel

import (
	"encoding/base64"
	"fmt"
	"time"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apiserver/pkg/cel/mutation"
)

// Patch is what one mutation's expression built.
type Patch struct {
	Type PatchType
	// Object is the apply configuration of an ApplyConfiguration mutation: decoded JSON (map[string]any, []any,
	// string, bool, int64, float64, nil), without apiVersion and kind unless the expression set them. It may share
	// maps and lists with the input the expression read (`containers: object.spec.containers`): modify neither.
	Object map[string]any
	// Operations are the RFC 6902 operations of a JSONPatch mutation, in order.
	Operations []JSONPatchOperation
}

// JSONPatchOperation is one RFC 6902 operation built by a `JSONPatch{op: ..., path: ..., value: ...}` expression.
type JSONPatchOperation struct {
	Op   string
	Path string
	From string
	// Value is the operation's value as decoded JSON; HasValue says whether the expression set it (a null value
	// is a set value).
	Value    any
	HasValue bool
}

// patchOf converts the value of a mutation expression into a Patch.
func patchOf(t PatchType, val ref.Val) (Patch, error) {
	if t == PatchTypeApplyConfiguration {
		obj, err := applyConfigurationOf(val)
		return Patch{Type: t, Object: obj}, err
	}
	ops, err := jsonPatchOf(val)
	return Patch{Type: t, Operations: ops}, err
}

// applyConfigurationOf converts an Object value into a map, checking that the type names of nested objects follow
// their field names (`Object.spec{template: Object.spec.template{}}`), as k8s.io/apiserver checks.
func applyConfigurationOf(val ref.Val) (map[string]any, error) {
	obj, ok := val.(*objectVal)
	if !ok {
		return nil, fmt.Errorf("applyConfiguration: evaluated to %s, not an Object", val.Type().TypeName())
	}
	m, err := obj.toMap(obj.t.TypeName())
	if err != nil {
		return nil, fmt.Errorf("applyConfiguration: %w", err)
	}
	return m, nil
}

// jsonPatchOf converts a list of JSONPatch values into operations.
func jsonPatchOf(val ref.Val) ([]JSONPatchOperation, error) {
	list, ok := val.(traits.Lister)
	if !ok {
		return nil, fmt.Errorf("jsonPatch: evaluated to %s, not a list", val.Type().TypeName())
	}
	var ops []JSONPatchOperation
	for it, i := list.Iterator(), 0; it.HasNext() == types.True; i++ {
		op, ok := it.Next().(*mutation.JSONPatchVal)
		if !ok {
			return nil, fmt.Errorf("jsonPatch[%d]: not a JSONPatch", i)
		}
		out := JSONPatchOperation{Op: op.Op, Path: op.Path, From: op.From, HasValue: op.Val != nil}
		if op.Val != nil {
			v, err := nativeOf(op.Val)
			if err != nil {
				return nil, fmt.Errorf("jsonPatch[%d].value: %w", i, err)
			}
			out.Value = v
		}
		ops = append(ops, out)
	}
	return ops, nil
}

// nativeOf converts a CEL value into decoded JSON: maps with string keys, lists, strings, booleans, int64 and
// float64 numbers, nil. Bytes become base64 strings, timestamps RFC 3339 strings and durations Go duration
// strings, as JSON encodes them.
func nativeOf(v ref.Val) (any, error) {
	switch x := v.(type) {
	case types.Null:
		return nil, nil
	case types.Bool:
		return bool(x), nil
	case types.Int:
		return int64(x), nil
	case types.Uint:
		return int64(x), nil
	case types.Double:
		return float64(x), nil
	case types.String:
		return string(x), nil
	case types.Bytes:
		return base64.StdEncoding.EncodeToString(x), nil
	case types.Timestamp:
		return x.Time.UTC().Format(time.RFC3339Nano), nil
	case types.Duration:
		return x.Duration.String(), nil
	case *objectVal:
		return x.toMap(x.t.TypeName())
	case *lazyMap:
		return normalizeNative(x.raw)
	case *lazyList:
		return normalizeNative(x.raw)
	case traits.Mapper:
		return nativeMap(x)
	case traits.Lister:
		return nativeList(x)
	}
	if types.IsError(v) {
		return nil, fmt.Errorf("%v", v)
	}
	return normalizeNative(v.Value())
}

func nativeMap(m traits.Mapper) (map[string]any, error) {
	out := make(map[string]any)
	for it := m.Iterator(); it.HasNext() == types.True; {
		k := it.Next()
		key, ok := k.(types.String)
		if !ok {
			return nil, fmt.Errorf("map key %v is of type %s, not string", k, k.Type().TypeName())
		}
		val, err := nativeOf(m.Get(k))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out[string(key)] = val
	}
	return out, nil
}

func nativeList(l traits.Lister) ([]any, error) {
	out := []any{}
	for it, i := l.Iterator(), 0; it.HasNext() == types.True; i++ {
		val, err := nativeOf(it.Next())
		if err != nil {
			return nil, fmt.Errorf("[%d]: %w", i, err)
		}
		out = append(out, val)
	}
	return out, nil
}

// normalizeNative converts what a CEL value's Value() or ConvertToNative left (CEL values inside Go maps and
// slices, Go numbers of other widths) into decoded JSON. Maps and slices that are already decoded JSON are returned
// as they are, not copied: a patch may share them with the input, and nobody modifies either.
func normalizeNative(v any) (any, error) {
	out, _, err := normalize(v)
	return out, err
}

// normalize returns v as decoded JSON and whether that is a new value (a map or slice is copied only when one of
// its elements changed).
func normalize(v any) (any, bool, error) {
	switch x := v.(type) {
	case nil, bool, string, int64, float64:
		return x, false, nil
	case structpb.NullValue:
		return nil, true, nil
	case int:
		return int64(x), true, nil
	case int32:
		return int64(x), true, nil
	case uint64:
		return int64(x), true, nil
	case float32:
		return float64(x), true, nil
	case ref.Val:
		n, err := nativeOf(x)
		return n, true, err
	case map[string]any:
		return normalizeMap(x)
	case []any:
		return normalizeSlice(x)
	case []ref.Val:
		l, err := nativeList(types.NewRefValList(types.DefaultTypeAdapter, x).(traits.Lister))
		return l, true, err
	case map[ref.Val]ref.Val:
		m, err := nativeMap(types.NewRefValMap(types.DefaultTypeAdapter, x).(traits.Mapper))
		return m, true, err
	}
	return nil, false, fmt.Errorf("value of type %T cannot be encoded as JSON", v)
}

func normalizeMap(m map[string]any) (any, bool, error) {
	var out map[string]any
	for k, e := range m {
		n, changed, err := normalize(e)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", k, err)
		}
		if changed && out == nil {
			out = make(map[string]any, len(m))
			for k2, e2 := range m {
				out[k2] = e2
			}
		}
		if out != nil {
			out[k] = n
		}
	}
	if out == nil {
		return m, false, nil
	}
	return out, true, nil
}

func normalizeSlice(l []any) (any, bool, error) {
	if l == nil {
		return []any{}, true, nil // an empty CEL list converts to a nil slice: it is an empty JSON list
	}
	var out []any
	for i, e := range l {
		n, changed, err := normalize(e)
		if err != nil {
			return nil, false, fmt.Errorf("[%d]: %w", i, err)
		}
		if changed && out == nil {
			out = make([]any, len(l))
			copy(out, l)
		}
		if out != nil {
			out[i] = n
		}
	}
	if out == nil {
		return l, false, nil
	}
	return out, true, nil
}
