package mutate

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Operation is one RFC 6902 JSON patch operation.
type Operation struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value,omitempty"`
	From  string `json:"from,omitempty"`
}

// MarshalJSON writes the operation; add, replace and test always carry a value, even a null one.
func (o Operation) MarshalJSON() ([]byte, error) {
	type plain Operation
	if o.Value != nil || (o.Op != "add" && o.Op != "replace" && o.Op != "test") {
		return json.Marshal(plain(o))
	}
	type withNull struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
		From  string `json:"from,omitempty"`
	}
	return json.Marshal(withNull(o))
}

// Diff returns the RFC 6902 operations that turn before into after. Map keys are visited in sorted order, removals
// before additions; list elements are compared by position, extra elements removed from the end or appended. Numbers
// compare by value whatever their Go type. Operation values share structure with after. Maps and lists that before
// and after share (the same value in memory) are equal without a walk, so the diff of a strategic merge's result
// costs what the overlay names, not the whole object.
func Diff(before, after map[string]any) ([]Operation, error) {
	var ops []Operation
	if err := diffMap("", before, after, &ops); err != nil {
		return nil, fmt.Errorf("diff: %w", err)
	}
	return ops, nil
}

func diffValue(path string, a, b any, ops *[]Operation) error {
	if shared(a, b) {
		return nil
	}
	switch at := a.(type) {
	case map[string]any:
		if bt, ok := b.(map[string]any); ok {
			return diffMap(path, at, bt, ops)
		}
	case []any:
		if bt, ok := b.([]any); ok {
			return diffList(path, at, bt, ops)
		}
	}
	same, err := equalValues(a, b)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if !same {
		*ops = append(*ops, Operation{Op: "replace", Path: path, Value: b})
	}
	return nil
}

func diffMap(path string, a, b map[string]any, ops *[]Operation) error {
	for _, k := range sortedKeys(a) {
		bv, ok := b[k]
		if !ok {
			*ops = append(*ops, Operation{Op: "remove", Path: path + "/" + escapePointer(k)})
			continue
		}
		if err := diffValue(path+"/"+escapePointer(k), a[k], bv, ops); err != nil {
			return err
		}
	}
	for _, k := range sortedKeys(b) {
		if _, ok := a[k]; !ok {
			*ops = append(*ops, Operation{Op: "add", Path: path + "/" + escapePointer(k), Value: b[k]})
		}
	}
	return nil
}

func diffList(path string, a, b []any, ops *[]Operation) error {
	common := min(len(a), len(b))
	for i := range common {
		if err := diffValue(path+"/"+strconv.Itoa(i), a[i], b[i], ops); err != nil {
			return err
		}
	}
	for i := len(a) - 1; i >= common; i-- {
		*ops = append(*ops, Operation{Op: "remove", Path: path + "/" + strconv.Itoa(i)})
	}
	for i := common; i < len(b); i++ {
		*ops = append(*ops, Operation{Op: "add", Path: path + "/" + strconv.Itoa(i), Value: b[i]})
	}
	return nil
}

// shared reports two maps or lists that are the same value in memory, as the parts of a strategic merge's result
// the overlay does not name are: they are equal without a walk.
func shared(a, b any) bool {
	switch at := a.(type) {
	case map[string]any:
		bt, ok := b.(map[string]any)
		return ok && at != nil && bt != nil && reflect.ValueOf(at).UnsafePointer() == reflect.ValueOf(bt).UnsafePointer()
	case []any:
		bt, ok := b.([]any)
		return ok && len(at) > 0 && len(at) == len(bt) && &at[0] == &bt[0]
	default:
		return false
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// escapePointer escapes a map key as a JSON pointer segment.
func escapePointer(s string) string {
	if !strings.ContainsAny(s, "~/") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// equalValues compares two decoded values deeply; numbers compare by value.
func equalValues(a, b any) (bool, error) {
	switch at := a.(type) {
	case map[string]any:
		bt, ok := b.(map[string]any)
		if !ok || len(at) != len(bt) {
			return false, nil
		}
		for k, av := range at {
			bv, ok := bt[k]
			if !ok {
				return false, nil
			}
			if same, err := equalValues(av, bv); err != nil || !same {
				return false, err
			}
		}
		return true, nil
	case []any:
		bt, ok := b.([]any)
		if !ok || len(at) != len(bt) {
			return false, nil
		}
		for i := range at {
			if same, err := equalValues(at[i], bt[i]); err != nil || !same {
				return false, err
			}
		}
		return true, nil
	case string, bool, nil:
		return a == b, nil
	}
	return equalNumbers(a, b)
}

// equalNumbers compares a number with another value: integers exactly, otherwise as float64.
func equalNumbers(a, b any) (bool, error) {
	ai, aInt, aOK := number(a)
	if !aOK {
		return false, fmt.Errorf("unsupported value type %T", a)
	}
	bi, bInt, bOK := number(b)
	if !bOK {
		return false, nil
	}
	if aInt != nil && bInt != nil {
		return *aInt == *bInt, nil
	}
	return ai == bi, nil
}

// number reads a Go number as float64, and as int64 too when it is an integer type.
func number(v any) (float64, *int64, bool) {
	var i int64
	switch t := v.(type) {
	case int64:
		i = t
	case int:
		i = int64(t)
	case int32:
		i = int64(t)
	case float64:
		return t, nil, true
	case float32:
		return float64(t), nil, true
	default:
		return 0, nil, false
	}
	return float64(i), &i, true
}
