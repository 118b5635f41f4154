package kyvernotest

import (
	"fmt"
	"reflect"
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
