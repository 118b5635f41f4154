package mutate

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// The strategic merge only reads and writes the parts of the resource its overlay names, so StrategicMerge hands the
// kustomize merge a view of the resource holding just those parts, then grafts the merged view back onto the
// resource. Everything the overlay does not name is shared with the resource, neither copied nor converted.
//
// A view keeps, at each map the overlay walks into, the keys the overlay names (anchored keys by the key they
// anchor), plus apiVersion and kind (kustomize reads the schema of embedded objects from them) and a marker key.
// The marker tells the graft, after the merge, that the map is still the resource's (and not replaced by the
// overlay). Under a list of objects that kustomize merges by key, each element keeps its scalar fields (the merge
// keys among them) and the fields any overlay element names; its marker holds its index, so the graft finds the
// resource element again whatever order the merge left. A map whose overlay holds a `$` directive, the values of
// anchors, and every other list are taken whole.

// viewMarker is the key of the marker of a view map; a resource or overlay holding it is merged whole.
const viewMarker = "\x00bylaw-view"

// view records how a map of the resource was cut down: the keys taken into the view, and for some of them a view of
// their own (a map view, or per-element views of a list).
type view struct {
	keys     []string
	maps     map[string]*view
	elements map[string][]*view
}

// restrictor builds views; ok turns false when the resource or overlay holds the marker key, in which case the
// caller merges the whole resource.
type restrictor struct {
	ok bool
}

// restrictTop returns the view of resource for overlay and how it was cut down, or ok false when the whole
// resource must be merged.
func restrictTop(resource, overlay map[string]any) (map[string]any, *view, bool) {
	if hasDirective(overlay) {
		return nil, nil, false
	}
	var schema *openapi.ResourceSchema
	apiVersion, _ := resource["apiVersion"].(string)
	kind, _ := resource["kind"].(string)
	if apiVersion != "" && kind != "" {
		schema = openapi.SchemaForResourceType(kyaml.TypeMeta{APIVersion: apiVersion, Kind: kind})
	}
	r := restrictor{ok: true}
	out, v := r.restrictMap(resource, overlay, schema, "m")
	return out, v, r.ok
}

// restrictMap cuts resource map res down to what overlay map o names; marker is the value of its marker key.
func (r *restrictor) restrictMap(res, o map[string]any, schema *openapi.ResourceSchema, marker string) (map[string]any, *view) {
	if _, clash := res[viewMarker]; clash {
		r.ok = false
	}
	if _, clash := o[viewMarker]; clash {
		r.ok = false
	}
	out := map[string]any{viewMarker: marker}
	v := &view{}
	take := func(key string) {
		if rv, ok := res[key]; ok {
			if _, done := out[key]; !done {
				v.keys = append(v.keys, key)
			}
			out[key] = rv
		}
	}
	take("apiVersion")
	take("kind")
	plain := make([]string, 0, len(o))
	for k := range o {
		if a := parseAnchor(k); a.kind != 0 {
			take(k)
			take(a.key)
			continue
		}
		plain = append(plain, k)
	}
	for _, k := range plain {
		rv, ok := res[k]
		if _, whole := out[k]; whole || !ok {
			continue
		}
		r.restrictField(out, v, k, rv, o[k], fieldSchema(schema, k))
	}
	return out, v
}

// restrictField takes field key of the resource into view map out: as a view when both sides are maps or a list
// merged by key, otherwise whole.
func (r *restrictor) restrictField(out map[string]any, v *view, key string, rv, ov any, schema *openapi.ResourceSchema) {
	v.keys = append(v.keys, key)
	out[key] = rv
	switch rt := rv.(type) {
	case map[string]any:
		if om, ok := ov.(map[string]any); ok && !hasDirective(om) {
			sub, subView := r.restrictMap(rt, om, schema, "m")
			out[key] = sub
			if v.maps == nil {
				v.maps = map[string]*view{}
			}
			v.maps[key] = subView
		}
	case []any:
		ol, ok := ov.([]any)
		if !ok || !elementsCanBeCut(rt, ol, schema) {
			return
		}
		sub, views := r.restrictElements(rt, ol)
		out[key] = sub
		if v.elements == nil {
			v.elements = map[string][]*view{}
		}
		v.elements[key] = views
	}
}

// restrictElements cuts each element of resource list res down to its scalar fields and the fields an element of
// overlay list o names.
func (r *restrictor) restrictElements(res, o []any) ([]any, []*view) {
	named := map[string]any{}
	for _, e := range o {
		for k := range e.(map[string]any) {
			named[k] = nil
		}
	}
	out := make([]any, len(res))
	views := make([]*view, len(res))
	for i, e := range res {
		m := e.(map[string]any)
		sub, v := r.restrictMap(m, named, nil, strconv.Itoa(i))
		for k, val := range m {
			if _, done := sub[k]; !done && isScalar(val) {
				sub[k] = val
				v.keys = append(v.keys, k)
			}
		}
		out[i], views[i] = sub, v
	}
	return out, views
}

// elementsCanBeCut reports a resource list whose elements can be merged as views: a list of objects kustomize merges
// by key (the schema says so), where each element has every key field set to a scalar, no two elements share their
// keys, and the overlay list holds only objects without `$` directives.
func elementsCanBeCut(res, o []any, schema *openapi.ResourceSchema) bool {
	if schema == nil || len(o) == 0 {
		return false
	}
	strategy, keys := schema.PatchStrategyAndKeyList()
	if !strings.Contains(strategy, "merge") || len(keys) == 0 {
		return false
	}
	for _, e := range o {
		m, ok := e.(map[string]any)
		if !ok || hasDirective(m) {
			return false
		}
	}
	seen := make(map[string]bool, len(res))
	for _, e := range res {
		m, ok := e.(map[string]any)
		if !ok {
			return false
		}
		var id strings.Builder
		for _, k := range keys {
			s, ok := scalarText(m[k])
			if !ok || s == "" {
				return false
			}
			id.WriteString(s)
			id.WriteByte(0)
		}
		if seen[id.String()] {
			return false
		}
		seen[id.String()] = true
	}
	return true
}

// fieldSchema is the schema of field key of a map with the given schema, nil when unknown.
func fieldSchema(schema *openapi.ResourceSchema, key string) *openapi.ResourceSchema {
	if schema == nil {
		return nil
	}
	return schema.Field(key)
}

// hasDirective reports a map holding a `$` key (`$patch`, `$retainKeys`, `$setElementOrder/...`).
func hasDirective(m map[string]any) bool {
	for k := range m {
		if strings.HasPrefix(strings.TrimSpace(k), "$") {
			return true
		}
	}
	return false
}

func isScalar(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return false
	default:
		return true
	}
}

// scalarText is a scalar as the YAML node of the merge holds it.
func scalarText(v any) (string, bool) {
	if !isScalar(v) {
		return "", false
	}
	n, err := toNode(v)
	if err != nil {
		return "", false
	}
	return n.Value, true
}
