package jmespath

import (
	"sort"

	"github.com/blang/semver/v4"
)

func collectionFunctions() []function {
	return []function{
		fn("items", "array", "converts an object or array to an array of {key, value} objects with the given key names",
			items, argObjOrArr, argString, argString),
		fn("object_from_lists", "object", "builds an object from a list of keys and a list of values",
			objectFromLists, argArray, argArray),
		fn("lookup", "any", "returns the value at a key of an object or an index of an array (null if absent)",
			lookup, argObjOrArr, argStrOrNum),
		fn("keys", "array", "returns the keys of an object, sorted so that results are repeatable",
			sortedKeys, argObject),
		fn("label_match", "boolean", "reports whether every label of the first object is in the second",
			labelMatch, argObject, argObject),
	}
}

func items(args []any) (any, error) {
	keyName, err := stringArg("items", args, 1)
	if err != nil {
		return nil, err
	}
	valueName, err := stringArg("items", args, 2)
	if err != nil {
		return nil, err
	}
	if list, ok := asList(args[0]); ok {
		out := make([]any, len(list))
		for n, v := range list {
			out[n] = map[string]any{keyName: float64(n), valueName: v}
		}
		return out, nil
	}
	obj, ok := asObject(args[0])
	if !ok {
		return nil, argTypeError("items", 1, "Object or Array")
	}
	keys := objectKeys(obj)
	out := make([]any, len(keys))
	for n, k := range keys {
		out[n] = map[string]any{keyName: k, valueName: obj[k]}
	}
	return out, nil
}

func objectFromLists(args []any) (any, error) {
	keys, ok := asList(args[0])
	if !ok {
		return nil, argTypeError("object_from_lists", 1, "Array")
	}
	values, ok := asList(args[1])
	if !ok {
		return nil, argTypeError("object_from_lists", 2, "Array")
	}
	out := make(map[string]any, len(keys))
	for n, k := range keys {
		key, ok := textOf(k)
		if !ok {
			return nil, argTypeError("object_from_lists", 1, "StringArray")
		}
		var v any
		if n < len(values) {
			v = values[n]
		}
		out[key] = v
	}
	return out, nil
}

func lookup(args []any) (any, error) {
	if list, ok := asList(args[0]); ok {
		f, ok := toFloat(args[1])
		if !ok {
			return nil, argTypeError("lookup", 2, "Number")
		}
		at, err := intNumber(f)
		if err != nil {
			return nil, fnErrorf("lookup", "argument #2: %w", err)
		}
		if at < 0 || at >= len(list) {
			return nil, nil
		}
		return list[at], nil
	}
	obj, ok := asObject(args[0])
	if !ok {
		return nil, argTypeError("lookup", 1, "Object or Array")
	}
	key, ok := args[1].(string)
	if !ok {
		return nil, argTypeError("lookup", 2, "String")
	}
	return obj[key], nil
}

func labelMatch(args []any) (any, error) {
	labels, ok := asObject(args[0])
	if !ok {
		return nil, argTypeError("label_match", 1, "Object")
	}
	target, ok := asObject(args[1])
	if !ok {
		return nil, argTypeError("label_match", 2, "Object")
	}
	for k, v := range labels {
		got, ok := target[k]
		if !ok || !jsonEqual(got, v) {
			return false, nil
		}
	}
	return true, nil
}

// semverCompare checks a version against a range such as ">=1.2.0 <2.0.0",
// "!4.x.x" or "<1.0.0 || >=3.0.0". An unparsable version counts as 0.0.0.
func semverCompare(args []any) (any, error) {
	s, err := stringArgs("semver_compare", args, 2)
	if err != nil {
		return nil, err
	}
	version, _ := semver.Parse(s[0])
	inRange, err := semver.ParseRange(s[1])
	if err != nil {
		return nil, fnError("semver_compare", err)
	}
	return inRange(version), nil
}

// sortedKeys is JMESPath's keys() with a stable order: the standard one follows Go's random map order.
func sortedKeys(args []any) (any, error) {
	obj, ok := asObject(args[0])
	if !ok {
		return nil, argTypeError("keys", 1, "Object")
	}
	keys := objectKeys(obj)
	out := make([]any, len(keys))
	for n, k := range keys {
		out[n] = k
	}
	return out, nil
}

// objectKeys returns the keys of obj in sorted order.
func objectKeys(obj map[string]any) []string {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
