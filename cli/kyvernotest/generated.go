package kyvernotest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/bylaw-dev/bylaw/engine"
)

// checkGenerated compares the objects a policy generated with the entry's generatedResource file: every object in the
// file must have been generated (compared as sameResource does). As in the Kyverno CLI the comparison comes first,
// whatever result the row expects; the row keeps the outcome of its result when they agree.
func (s *suite) checkGenerated(row Row, e *Result, res engine.PolicyResult) Row {
	if e.GeneratedResource == "" || row.Outcome == OutcomeSkip {
		return row
	}
	want, errs := s.readResources(s.fullPaths([]string{e.GeneratedResource})...)
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
		if sameResource(g.Object, want) {
			return true
		}
	}
	return false
}

// sameResource compares two objects as the Kyverno CLI does: numbers by value, with null values and empty objects
// and lists left out on both sides, and labels of generate bookkeeping ignored.
func sameResource(got, want map[string]any) bool {
	return reflect.DeepEqual(tidy(normalizeNumber(withoutGenerateLabels(got))), tidy(normalizeNumber(withoutGenerateLabels(want))))
}

// tidy drops null values and empty objects and lists, recursively; it returns nil for an object or list that ends
// up empty.
func tidy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if e = tidy(e); e != nil {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		var out []any
		for _, e := range x {
			if e = tidy(e); e != nil {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}

// withoutGenerateLabels returns obj without the labels a generate controller adds.
func withoutGenerateLabels(obj map[string]any) map[string]any {
	meta, _ := obj["metadata"].(map[string]any)
	labels, _ := meta["labels"].(map[string]any)
	if len(labels) == 0 {
		return obj
	}
	kept := make(map[string]any, len(labels))
	for k, v := range labels {
		if !strings.HasPrefix(k, "generate.kyverno.io/") && !strings.HasPrefix(k, "generate.bylaw.dev/") &&
			k != "app.kubernetes.io/managed-by" {
			kept[k] = v
		}
	}
	m := make(map[string]any, len(meta))
	for k, v := range meta {
		m[k] = v
	}
	m["labels"] = kept
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	out["metadata"] = m
	return out
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
// object of the row's resource in that file must equal the patched object (compared as sameResource does).
func (s *suite) checkPatched(row Row, e *Result, res engine.PolicyResult, r *loadedResource) Row {
	file := e.PatchedResources
	if file == "" {
		file = e.PatchedResource
	}
	if file == "" || row.Outcome == OutcomeSkip {
		return row
	}
	want, errs := s.readResources(s.fullPaths([]string{file})...)
	if len(errs) > 0 {
		return failed(row, "patchedResource: "+errs[0].Error())
	}
	if len(res.PatchedTargets) > 0 {
		return checkPatchedTargets(row, file, want, res.PatchedTargets)
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
		if sameResource(got, w) {
			return row
		}
		return failed(row, "patched resource differs from "+file+": "+firstDifference(tidy(normalizeNumber(got)), tidy(normalizeNumber(w)), ""))
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
