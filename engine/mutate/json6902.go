package mutate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"sigs.k8s.io/yaml"
)

// errEmptyPatch is a patchesJson6902 string with no content.
var errEmptyPatch = errors.New("empty patch")

// JSON6902 applies an RFC 6902 patch to resource and returns the patched copy; resource is not modified. The patch
// is Kyverno's patchesJson6902 string: a JSON array, or YAML when it does not start with `[`. As in Kyverno, negative
// list indices count from the end, removing a missing path is no error, and `add` creates missing parent objects.
func JSON6902(resource map[string]any, patch string) (map[string]any, error) {
	ops, err := decodePatch(patch)
	if err != nil {
		return nil, fmt.Errorf("json patch: %w", err)
	}
	doc, err := json.Marshal(resource)
	if err != nil {
		return nil, fmt.Errorf("json patch: encode resource: %w", err)
	}
	patched, err := ops.ApplyWithOptions(doc, &jsonpatch.ApplyOptions{
		SupportNegativeIndices:   true,
		AllowMissingPathOnRemove: true,
		EnsurePathExistsOnAdd:    true,
	})
	if err != nil {
		return nil, fmt.Errorf("json patch: apply: %w", err)
	}
	out, err := decodeObject(patched)
	if err != nil {
		return nil, fmt.Errorf("json patch: decode result: %w", err)
	}
	return out, nil
}

// decodePatch reads a patchesJson6902 string, converting YAML to JSON first when it is not a JSON array.
func decodePatch(patch string) (jsonpatch.Patch, error) {
	if patch == "" {
		return nil, errEmptyPatch
	}
	raw := []byte(patch)
	if raw[0] != '[' {
		converted, err := yaml.YAMLToJSON(raw)
		if err != nil {
			return nil, fmt.Errorf("convert YAML patch to JSON: %w", err)
		}
		raw = converted
	}
	ops, err := jsonpatch.DecodePatch(raw)
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return ops, nil
}

// decodeObject decodes a JSON object with integers as int64 and other numbers as float64.
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	m, ok := normalizeNumbers(v).(map[string]any)
	if !ok {
		return nil, fmt.Errorf("result is %T, not an object", v)
	}
	return m, nil
}

// normalizeNumbers replaces json.Number values, in place, by int64 or float64.
func normalizeNumbers(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range t {
			t[i] = normalizeNumbers(e)
		}
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		if f, err := t.Float64(); err == nil {
			return f
		}
		return t.String()
	}
	return v
}
