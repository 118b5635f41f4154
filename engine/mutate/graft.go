package mutate

import "strconv"

// graftMap returns resource map orig with the merged view in place of the keys view v took: the keys the merge
// dropped are gone, the ones it added or changed are set, and every key the view left out is shared with orig.
// It reports false when the merged view does not read back as a view of orig (its marker lost or repeated), in
// which case the caller merges the whole resource.
func graftMap(orig map[string]any, v *view, merged map[string]any) (map[string]any, bool) {
	if _, ok := merged[viewMarker]; !ok {
		return nil, false
	}
	out := make(map[string]any, len(orig)+len(merged))
	for k, e := range orig {
		out[k] = e
	}
	for _, k := range v.keys {
		delete(out, k)
	}
	for k, mv := range merged {
		if k == viewMarker {
			continue
		}
		grafted, ok := graftField(orig[k], v, k, mv)
		if !ok {
			return nil, false
		}
		out[k] = grafted
	}
	return out, true
}

// graftField returns the merged value mv of field key: grafted onto the resource's value when the view cut it
// down and the merge kept it as the resource's, otherwise mv itself.
func graftField(orig any, v *view, key string, mv any) (any, bool) {
	if sub := v.maps[key]; sub != nil {
		om, ok1 := orig.(map[string]any)
		mm, ok2 := mv.(map[string]any)
		if _, kept := mm[viewMarker]; ok1 && ok2 && kept {
			return graftMap(om, sub, mm)
		}
		return mv, true
	}
	if views := v.elements[key]; views != nil {
		ol, ok1 := orig.([]any)
		ml, ok2 := mv.([]any)
		if ok1 && ok2 {
			return graftElements(ol, views, ml)
		}
	}
	return mv, true
}

// graftElements grafts each merged element that is still a resource element (it holds the marker with that
// element's index) onto it; other merged elements come from the overlay and are taken as they are.
func graftElements(orig []any, views []*view, merged []any) ([]any, bool) {
	used := make([]bool, len(orig))
	out := make([]any, len(merged))
	for i, e := range merged {
		m, isMap := e.(map[string]any)
		marker, marked := m[viewMarker].(string)
		if !isMap || !marked {
			out[i] = e
			continue
		}
		idx, err := strconv.Atoi(marker)
		if err != nil || idx < 0 || idx >= len(orig) || used[idx] {
			return nil, false
		}
		used[idx] = true
		om, _ := orig[idx].(map[string]any)
		grafted, ok := graftMap(om, views[idx], m)
		if !ok {
			return nil, false
		}
		out[i] = grafted
	}
	return out, true
}
