package kyvernotest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// checkGenerated compares the objects a policy generated with the entry's generatedResource file: every object in the
// file must have been generated, equal in every field it gives. The row keeps its outcome when they agree.
func (s *suite) checkGenerated(row Row, e *Result, res engine.PolicyResult) Row {
	if e.GeneratedResource == "" || row.Outcome != OutcomePass || e.Expected() != string(engine.StatusPass) {
		return row
	}
	want, errs := policy.LoadResources(s.fullPaths([]string{e.GeneratedResource})...)
	if len(errs) > 0 {
		return failed(row, "generatedResource: "+errs[0].Error())
	}
	for _, w := range want {
		if !anyGenerated(res.Generated, w) {
			return failed(row, fmt.Sprintf("generatedResource %s was not generated as given; generated: %s",
				describe(w), describeAll(res.Generated)))
		}
	}
	return row
}

func anyGenerated(got []engine.Generated, want map[string]any) bool {
	for _, g := range got {
		if contains(g.Object, want) {
			return true
		}
	}
	return false
}

// contains reports whether every field of want is in got with an equal value (objects compare field by field,
// lists and scalars must be equal).
func contains(got, want any) bool {
	wm, ok := want.(map[string]any)
	if !ok {
		return reflect.DeepEqual(normalizeNumber(got), normalizeNumber(want))
	}
	gm, ok := got.(map[string]any)
	if !ok {
		return len(wm) == 0 && got == nil
	}
	for k, wv := range wm {
		gv, present := gm[k]
		if !present && isEmpty(wv) {
			continue
		}
		if !present || !contains(gv, wv) {
			return false
		}
	}
	return true
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}

func normalizeNumber(v any) any {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case int:
		return float64(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeNumber(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeNumber(e)
		}
		return out
	}
	return v
}

func describe(obj map[string]any) string {
	return strings.Trim(kindOf(obj)+"/"+namespaceOf(obj)+"/"+nameOf(obj), "/")
}

func describeAll(gen []engine.Generated) string {
	if len(gen) == 0 {
		return "nothing"
	}
	names := make([]string, len(gen))
	for i, g := range gen {
		names[i] = describe(g.Object)
	}
	return strings.Join(names, ", ")
}

// checkPatched compares the object a policy's mutate rules produced with the entry's patchedResource(s) file: the
// object of the row's resource in that file must equal the patched object exactly.
func (s *suite) checkPatched(row Row, e *Result, res engine.PolicyResult, r *loadedResource) Row {
	file := e.PatchedResources
	if file == "" {
		file = e.PatchedResource
	}
	if file == "" || row.Outcome != OutcomePass || e.Expected() != string(engine.StatusPass) {
		return row
	}
	want, errs := policy.LoadResources(s.fullPaths([]string{file})...)
	if len(errs) > 0 {
		return failed(row, "patchedResource: "+errs[0].Error())
	}
	got := res.Patched
	if got == nil {
		got = r.obj
	}
	for _, w := range want {
		DefaultNamespace(w)
		if kindOf(w) != r.kind || nameOf(w) != r.name || namespaceOf(w) != r.namespace {
			continue
		}
		if reflect.DeepEqual(normalizeNumber(got), normalizeNumber(w)) {
			return row
		}
		return failed(row, "patched resource differs from "+file+": "+firstDifference(normalizeNumber(got), normalizeNumber(w), ""))
	}
	return failed(row, fmt.Sprintf("%s holds no %s", file, r.display()))
}

// firstDifference describes the first place where got and want differ, for failure reasons.
func firstDifference(got, want any, path string) string {
	gm, gok := got.(map[string]any)
	wm, wok := want.(map[string]any)
	if gok && wok {
		for _, k := range sortedKeys(gm, wm) {
			if !reflect.DeepEqual(gm[k], wm[k]) {
				return firstDifference(gm[k], wm[k], path+"/"+k)
			}
		}
	}
	gl, gok := got.([]any)
	wl, wok := want.([]any)
	if gok && wok && len(gl) == len(wl) {
		for i := range gl {
			if !reflect.DeepEqual(gl[i], wl[i]) {
				return firstDifference(gl[i], wl[i], fmt.Sprintf("%s/%d", path, i))
			}
		}
	}
	return fmt.Sprintf("at %s got %s, want %s", path, short(got), short(want))
}

func sortedKeys(a, b map[string]any) []string {
	seen := make(map[string]bool, len(a)+len(b))
	var keys []string
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:117]) + "..."
	}
	return string(b)
}
