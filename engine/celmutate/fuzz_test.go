package celmutate

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/bylaw-dev/bylaw/engine/cel"
)

// FuzzApply applies fuzzed apply configurations and JSON patches to fuzzed objects: no panic, the object is never
// modified, and a result is always an object.
func FuzzApply(f *testing.F) {
	f.Add(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"},"spec":{"containers":[{"name":"c"}]}}`,
		`{"spec":{"containers":[{"name":"c","image":"x"}]}}`, `[{"op":"add","path":"/metadata/labels","value":{"a":"b"}}]`)
	f.Add(`{"apiVersion":"x/v1","kind":"W","spec":{"l":[1,2]}}`, `{"spec":{"l":[3]}}`, `[{"op":"test","path":"/spec/l/0","value":9}]`)
	f.Add(`{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"b"}}`, `{"data":null}`, `[{"op":"move","from":"/data","path":"/x"}]`)
	conv := NewConverters()
	f.Fuzz(func(t *testing.T, objJSON, patchJSON, opsJSON string) {
		obj, err := decodeObject([]byte(objJSON))
		if err != nil {
			return
		}
		before, err := decodeObject([]byte(objJSON))
		if err != nil {
			t.Fatal(err)
		}
		if patch, err := decodeObject([]byte(patchJSON)); err == nil {
			out, err := conv.Apply(obj, cel.Patch{Type: cel.PatchTypeApplyConfiguration, Object: patch})
			if err == nil && out == nil {
				t.Fatal("ApplyConfiguration returned no object and no error")
			}
		}
		var raw []jsonOperation
		if json.Unmarshal([]byte(opsJSON), &raw) == nil {
			ops := make([]cel.JSONPatchOperation, len(raw))
			for i, r := range raw {
				ops[i] = cel.JSONPatchOperation{Op: r.Op, Path: r.Path, From: r.From, HasValue: r.Value != nil}
				if r.Value != nil {
					ops[i].Value = *r.Value
				}
			}
			if out, err := JSONPatch(obj, ops); err == nil && out == nil {
				t.Fatal("JSONPatch returned no object and no error")
			}
		}
		if !reflect.DeepEqual(obj, before) {
			t.Fatalf("the object was modified: %v", obj)
		}
	})
}
