package kyvernotest

import (
	"fmt"
	"strings"

	"github.com/bylaw-dev/bylaw/engine"
)

// checkPatchedTargets compares the existing objects a mutate-existing rule patched (a ClusterPolicy's
// mutate.targets, a MutatingPolicy's mutateExisting) with the entry's patchedResource(s) file, by target: every
// patched target must be in the file, equal to it. The trigger (the row's resource) is not compared: it is not
// changed.
func checkPatchedTargets(row Row, file string, want []map[string]any, targets []engine.PatchedTarget) Row {
	var missing []string
	for _, t := range targets {
		w := findObject(want, t.Object)
		if w == nil {
			missing = append(missing, describe(t.Object))
			continue
		}
		if !sameResource(t.Object, w) {
			return failed(row, "patched target "+describe(t.Object)+" differs from "+file+": "+
				firstDifference(tidy(normalizeNumber(t.Object)), tidy(normalizeNumber(w)), ""))
		}
	}
	if len(missing) > 0 {
		return failed(row, fmt.Sprintf("%s holds no patched target %s", file, strings.Join(missing, ", ")))
	}
	return row
}

// findObject returns the object of objs with the kind, namespace and name of obj, or nil.
func findObject(objs []map[string]any, obj map[string]any) map[string]any {
	for _, o := range objs {
		DefaultNamespace(o)
		if kindOf(o) == kindOf(obj) && nameOf(o) == nameOf(obj) && namespaceOf(o) == namespaceOf(obj) {
			return o
		}
	}
	return nil
}
