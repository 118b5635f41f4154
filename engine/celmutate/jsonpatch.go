package celmutate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	jsonpatch "github.com/evanphx/json-patch/v5"

	"github.com/bylaw-dev/bylaw/engine/cel"
)

// jsonOperation is the JSON form of one RFC 6902 operation.
type jsonOperation struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	From  string `json:"from,omitempty"`
	Value *any   `json:"value,omitempty"`
}

// JSONPatch applies RFC 6902 operations to obj in order and returns the patched object; obj is not modified. As in
// the API server, a failed `test` operation leaves the object unchanged and is no error, and negative list indices
// count from the end. Errors name the operation that failed.
func JSONPatch(obj map[string]any, ops []cel.JSONPatchOperation) (map[string]any, error) {
	if len(ops) == 0 {
		return obj, nil
	}
	raw := make([]jsonOperation, len(ops))
	for i, op := range ops {
		raw[i] = jsonOperation{Op: op.Op, Path: op.Path, From: op.From}
		if op.HasValue {
			v := op.Value
			raw[i].Value = &v
		}
	}
	patchJSON, err := json.Marshal(raw)
	if err != nil {
		return nil, fmt.Errorf("jsonPatch: encode operations: %w", err)
	}
	patch, err := jsonpatch.DecodePatch(patchJSON)
	if err != nil {
		return nil, fmt.Errorf("jsonPatch: %w", err)
	}
	doc, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("jsonPatch: encode object: %w", err)
	}
	patched, err := patch.ApplyWithOptions(doc, jsonpatch.NewApplyOptions())
	if errors.Is(err, jsonpatch.ErrTestFailed) {
		return obj, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jsonPatch: %w", err)
	}
	return decodeObject(patched)
}

// decodeObject decodes a patched JSON object with int64 integers and float64 other numbers.
func decodeObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("jsonPatch: decode result: %w", err)
	}
	if out == nil {
		return nil, errors.New("jsonPatch: the result is not an object")
	}
	return normalizeNumbers(out).(map[string]any), nil
}

func normalizeNumbers(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normalizeNumbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normalizeNumbers(e)
		}
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	}
	return v
}
