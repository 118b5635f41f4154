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
	if err := checkOperations(ops); err != nil {
		return nil, err
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
	patched, err := applyPatch(patch, doc)
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

// checkOperations refuses operations that lack what RFC 6902 requires of them (a value for add, replace and test, a
// from for move and copy) before the library sees them: it panics on a test without a value.
func checkOperations(ops []cel.JSONPatchOperation) error {
	for i, op := range ops {
		switch op.Op {
		case "add", "replace", "test":
			if !op.HasValue {
				return fmt.Errorf("jsonPatch[%d]: op %q requires a value", i, op.Op)
			}
		case "move", "copy":
			if op.From == "" {
				return fmt.Errorf("jsonPatch[%d]: op %q requires from", i, op.Op)
			}
		case "remove":
		default:
			return fmt.Errorf("jsonPatch[%d]: unknown op %q (want add, remove, replace, move, copy or test)", i, op.Op)
		}
	}
	return nil
}

// applyPatch applies patch to doc; a panic of the library on a crafted patch or object is an error, never a crash
// of the webhook.
func applyPatch(patch jsonpatch.Patch, doc []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("jsonPatch: the patch could not be applied: %v", r)
		}
	}()
	return patch.ApplyWithOptions(doc, jsonpatch.NewApplyOptions())
}
