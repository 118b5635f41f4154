package policy

import (
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// shiftRule copies r under a new name with its kinds replaced by kinds and its patterns nested under spec.<key>.
// onlyPodFilters replaces the kinds of only those any/all filters that select Pods (controller rules); the CronJob
// rule replaces every filter's kinds.
func shiftRule(r *v1alpha1.Rule, name, key string, kinds []string, onlyPodFilters bool) (*v1alpha1.Rule, error) {
	out := r.DeepCopy()
	out.Name = name
	replaceKinds(&out.MatchResources, kinds, onlyPodFilters, true)
	if out.ExcludeResources != nil {
		replaceKinds(out.ExcludeResources, kinds, onlyPodFilters, false)
	}
	if m := out.Mutation; m != nil {
		m.PatchStrategicMerge = wrap(m.PatchStrategicMerge, key)
		for i := range m.ForEach {
			m.ForEach[i].PatchStrategicMerge = wrap(m.ForEach[i].PatchStrategicMerge, key)
		}
		return out, nil
	}
	v := out.Validation
	if v == nil {
		return out, nil
	}
	switch {
	case v.Pattern != nil:
		v.Pattern = wrap(v.Pattern, key)
	case v.AnyPattern != nil:
		wrapped, err := wrapAnyPattern(v.AnyPattern, key)
		if err != nil {
			// a malformed anyPattern gets no autogen rule; compiling the written rule reports it.
			return nil, nil
		}
		v.AnyPattern = wrapped
	}
	return out, nil
}

func replaceKinds(m *v1alpha1.MatchResources, kinds []string, onlyPodFilters, isMatch bool) {
	switch {
	case len(m.Any) > 0:
		replaceFilterKinds(m.Any, kinds, onlyPodFilters)
	case len(m.All) > 0:
		replaceFilterKinds(m.All, kinds, onlyPodFilters)
	case isMatch || len(m.Kinds) > 0:
		m.Kinds = append([]string(nil), kinds...)
	}
}

func replaceFilterKinds(fs v1alpha1.ResourceFilters, kinds []string, onlyPodFilters bool) {
	for i := range fs {
		if onlyPodFilters && !containsKind(fs[i].Kinds, "Pod") {
			continue
		}
		fs[i].Kinds = append([]string(nil), kinds...)
	}
}
