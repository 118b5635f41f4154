package celmutate

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"sigs.k8s.io/structured-merge-diff/v6/typed"
	"sigs.k8s.io/structured-merge-diff/v6/value"

	"github.com/bylaw-dev/bylaw/engine/cel"
)

// Run evaluates every mutation of prog in order on in.Object, each seeing (as `object`) the object the previous
// one left, and returns the final object; in.Object is not modified. Variables are evaluated afresh for each
// mutation. An error names the mutation (`mutations[1]: ...`) and stops the run.
func Run(ctx context.Context, prog *cel.MutationProgram, in cel.Input, conv *Converters) (map[string]any, error) {
	obj := in.Object
	for i := range prog.Len() {
		patch, err := prog.Evaluate(ctx, i, in)
		if err != nil {
			return nil, err
		}
		next, err := conv.Apply(obj, patch)
		if err != nil {
			return nil, fmt.Errorf("mutations[%d]: %w", i, err)
		}
		obj = next
		in = in.WithObject(obj)
	}
	return obj, nil
}

// Apply applies one patch to obj and returns the patched object; obj is not modified.
func (c *Converters) Apply(obj map[string]any, p cel.Patch) (map[string]any, error) {
	switch p.Type {
	case cel.PatchTypeApplyConfiguration:
		apiVersion, _ := obj["apiVersion"].(string)
		kind, _ := obj["kind"].(string)
		return ApplyConfiguration(c.For(apiVersion, kind), obj, p.Object)
	case cel.PatchTypeJSONPatch:
		return JSONPatch(obj, p.Operations)
	}
	return nil, fmt.Errorf("patch type %q is not ApplyConfiguration or JSONPatch", p.Type)
}

// ApplyConfiguration merges the apply configuration patch into obj as server-side apply merges, with the schema of
// tc, and returns the merged object; neither argument is modified. The patch takes obj's apiVersion and kind. A
// null field of the patch sets the field to null.
func ApplyConfiguration(tc managedfields.TypeConverter, obj, patch map[string]any) (map[string]any, error) {
	if tc == nil {
		return nil, fmt.Errorf("applyConfiguration: no type converter")
	}
	withKind := make(map[string]any, len(patch)+2)
	for k, v := range patch {
		withKind[k] = v
	}
	withKind["apiVersion"], withKind["kind"] = obj["apiVersion"], obj["kind"]
	patchTyped, err := tc.ObjectToTyped(&unstructured.Unstructured{Object: withKind})
	if err != nil {
		return nil, fmt.Errorf("applyConfiguration: patch does not fit the schema of %v: %w", obj["kind"], err)
	}
	// The object is typed with the patch's schema without a validation walk of its own (the API server validated
	// it, and it is the larger of the two): the merge still refuses the parts it visits that do not fit.
	liveTyped := typed.AsTypedUnvalidated(value.NewValueInterface(obj), patchTyped.Schema(), patchTyped.TypeRef())
	merged, err := liveTyped.Merge(patchTyped)
	if err != nil {
		return nil, fmt.Errorf("applyConfiguration: object does not fit the schema of %v: %w", obj["kind"], err)
	}
	out, err := tc.TypedToObject(merged)
	if err != nil {
		return nil, fmt.Errorf("applyConfiguration: %w", err)
	}
	u, ok := out.(*unstructured.Unstructured)
	if !ok {
		return nil, fmt.Errorf("applyConfiguration: merged object is a %T", out)
	}
	return u.Object, nil
}
