package mutate

import (
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// mergeNamed merges the preprocessed overlay p (decoded from its nodes, so its numbers are int64 or float64) into
// resource the way the kustomize merge does, descending only where p names a field: every part of the resource p
// does not name is shared with the result, neither copied nor converted. It reports false on anything it does not
// reproduce exactly (a `$` directive, an empty key, a null inside a field the overlay adds, a list kustomize merges
// by a key some element lacks or repeats, a set of scalars, a value whose kind differs from the resource's), for
// which the caller runs the kustomize merge on the whole resource.
func mergeNamed(resource, p map[string]any) (map[string]any, bool) {
	return mergeMap(resource, p, &schemaRef{resolved: true})
}

// mergeMap merges overlay map o into resource map res (with schema s, nil when unknown).
func mergeMap(res, o map[string]any, s *schemaRef) (map[string]any, bool) {
	if hasDirective(o) {
		return nil, false
	}
	s = s.forMap(res, o)
	out := make(map[string]any, len(res)+len(o))
	for k, v := range res {
		out[k] = v
	}
	for k, ov := range o {
		if k == "" {
			// kustomize reads an empty field name as the map itself, and fails.
			return nil, false
		}
		if ov == nil {
			// A null deletes the key, present or not.
			delete(out, k)
			continue
		}
		rv, present := res[k]
		merged, ok := mergeValue(rv, present && rv != nil, ov, s.field(k, ov))
		if !ok {
			return nil, false
		}
		out[k] = merged
	}
	return out, true
}

// mergeValue merges overlay value o (not null) into resource value rv; present is false when the resource lacks
// the field or holds null.
func mergeValue(rv any, present bool, o any, s *schemaRef) (any, bool) {
	if !present {
		return added(o, s)
	}
	switch ot := o.(type) {
	case map[string]any:
		rm, ok := rv.(map[string]any)
		if !ok {
			return nil, false
		}
		return mergeMap(rm, ot, s)
	case []any:
		rl, ok := rv.([]any)
		if !ok {
			return nil, false
		}
		if !isMergedByKey(s.get()) {
			return ot, true
		}
		return mergeByKey(rl, ot, s)
	default:
		if !isScalar(rv) {
			return nil, false
		}
		return o, true
	}
}

// mergeByKey merges a list kustomize merges by key, in kustomize's order. With one key: overlay elements first, in
// their order, each merged with the resource element of the same key, then the resource elements no overlay
// element names. With several keys (ports by containerPort and protocol): the overlay elements the resource lacks,
// then the resource elements in their order, merged.
func mergeByKey(res, o []any, s *schemaRef) (any, bool) {
	_, keys := s.get().PatchStrategyAndKeyList()
	if len(keys) == 0 {
		return nil, false
	}
	resIDs, ok := elementIDs(res, keys)
	if !ok {
		return nil, false
	}
	oIDs, ok := elementIDs(o, keys)
	if !ok {
		return nil, false
	}
	byID := make(map[string]int, len(res))
	for i, id := range resIDs {
		byID[id] = i
	}
	elements := s.elements()
	fresh := make([]any, 0, len(o))
	kept := slices.Clone(res)
	var order []int // resource elements in their new order, with one key
	for i, e := range o {
		om := e.(map[string]any)
		if hasDirective(om) {
			return nil, false
		}
		j, found := byID[oIDs[i]]
		if !found {
			v, ok := added(om, elements)
			if !ok {
				return nil, false
			}
			fresh = append(fresh, v)
			order = append(order, -len(fresh))
			continue
		}
		merged, ok := mergeMap(res[j].(map[string]any), om, elements)
		if !ok {
			return nil, false
		}
		kept[j] = merged
		order = append(order, j)
	}
	if len(keys) > 1 {
		return append(fresh, kept...), true
	}
	return singleKeyOrder(fresh, kept, order), true
}

// singleKeyOrder lists the elements the overlay names in its order (order holds resource indexes, and -n for the
// n-th fresh element), then the other resource elements in their order.
func singleKeyOrder(fresh, kept []any, order []int) []any {
	out := make([]any, 0, len(fresh)+len(kept))
	named := make([]bool, len(kept))
	for _, j := range order {
		if j < 0 {
			out = append(out, fresh[-j-1])
			continue
		}
		named[j] = true
		out = append(out, kept[j])
	}
	for j, e := range kept {
		if !named[j] {
			out = append(out, e)
		}
	}
	return out
}

// elementIDs returns the key of each element of a list merged by keys: every element must be an object with every
// key set to a non-empty scalar, and no two elements may share their key.
func elementIDs(list []any, keys []string) ([]string, bool) {
	ids := make([]string, len(list))
	seen := make(map[string]bool, len(list))
	for i, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			return nil, false
		}
		var id strings.Builder
		for _, k := range keys {
			text, ok := scalarText(m[k])
			if !ok || text == "" || m[k] == nil {
				return nil, false
			}
			id.WriteString(text)
			id.WriteByte(0)
		}
		if seen[id.String()] {
			return nil, false
		}
		seen[id.String()] = true
		ids[i] = id.String()
	}
	return ids, true
}

// added returns overlay value o for a field the resource lacks, as kustomize adds it: it must hold no null in an
// object, no `$` directive, and every list merged by key in it must have distinct, complete keys.
func added(o any, s *schemaRef) (any, bool) {
	switch ot := o.(type) {
	case map[string]any:
		if hasDirective(ot) {
			return nil, false
		}
		s = s.forMap(nil, ot)
		for k, v := range ot {
			if v == nil || k == "" {
				return nil, false
			}
			if _, ok := added(v, s.field(k, v)); !ok {
				return nil, false
			}
		}
	case []any:
		if isMergedByKey(s.get()) {
			_, keys := s.get().PatchStrategyAndKeyList()
			if _, ok := elementIDs(ot, keys); !ok || len(keys) == 0 {
				return nil, false
			}
			for _, e := range ot {
				if _, ok := added(e, s.elements()); !ok {
					return nil, false
				}
			}
		}
	}
	return o, true
}

// isMergedByKey reports a list field whose schema gives it the merge strategy; kustomize replaces every other list.
func isMergedByKey(s *openapi.ResourceSchema) bool {
	if s == nil {
		return false
	}
	strategy, _ := s.PatchStrategyAndKey()
	for _, part := range strings.Split(strategy, ",") {
		if part == "merge" {
			return true
		}
	}
	return false
}

// schemaRef is the schema of a place in the merged object, looked up on first use: kustomize's schema lookups
// resolve references and cost, and most places (maps of scalars) never need theirs.
type schemaRef struct {
	parent   *schemaRef
	key      string // the field of parent, or "" for parent's list elements
	resolved bool
	schema   *openapi.ResourceSchema
}

// get returns the schema, nil when unknown.
func (r *schemaRef) get() *openapi.ResourceSchema {
	if r == nil {
		return nil
	}
	if !r.resolved {
		r.resolved = true
		if p := r.parent.get(); p != nil {
			if r.key == "" {
				r.schema = p.Elements()
			} else {
				r.schema = p.Field(r.key)
			}
		}
	}
	return r.schema
}

// field is the place of field key, nil when the overlay's value ov is a scalar (whose merge needs no schema).
func (r *schemaRef) field(key string, ov any) *schemaRef {
	if isScalar(ov) {
		return nil
	}
	return &schemaRef{parent: r, key: key}
}

// elements is the place of the elements of a list.
func (r *schemaRef) elements() *schemaRef {
	return &schemaRef{parent: r}
}

// forMap is the schema kustomize uses for a map: the one of its field or else, when it has none, the one of the
// resource type named by the apiVersion and kind of the resource's map or the overlay's.
func (r *schemaRef) forMap(res, o map[string]any) *schemaRef {
	embedded := false
	for _, m := range []map[string]any{res, o} {
		_, hasAPIVersion := m["apiVersion"]
		_, hasKind := m["kind"]
		embedded = embedded || (hasAPIVersion && hasKind)
	}
	if !embedded || r.get() != nil {
		return r
	}
	for _, m := range []map[string]any{res, o} {
		apiVersion, _ := scalarText(m["apiVersion"])
		kind, _ := scalarText(m["kind"])
		if apiVersion == "" || kind == "" || m["apiVersion"] == nil || m["kind"] == nil {
			continue
		}
		if found := openapi.SchemaForResourceType(kyaml.TypeMeta{APIVersion: apiVersion, Kind: kind}); found != nil {
			return &schemaRef{resolved: true, schema: found}
		}
	}
	return r
}
