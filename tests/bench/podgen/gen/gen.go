package gen

import "fmt"

// DefaultViolationRatio is the share of generated Pods that break one control.
const DefaultViolationRatio = 0.75

// Options control one generation run.
type Options struct {
	// Count is the number of Pods.
	Count int
	// Seed fixes the output: equal Options give equal Pods.
	Seed uint64
	// ViolationRatio is the probability, per Pod, of carrying one violation (0 gives only compliant Pods).
	ViolationRatio float64
}

// Pod is one generated Pod and the violation it carries.
type Pod struct {
	Object    map[string]any
	Violation Violation
}

// Generate returns opts.Count Pods. Numbers in the objects are int64, maps map[string]any and lists []any, as a
// JSON or YAML decoder of this module would produce them.
func Generate(opts Options) []Pod {
	r := newRNG(opts.Seed)
	violations := Violations()
	pods := make([]Pod, 0, max(opts.Count, 0))
	for i := range opts.Count {
		obj := newPod(r, i)
		v := None
		if r.chance(opts.ViolationRatio) {
			v = pick(r, violations)
			inject(r, obj, v)
		}
		pods = append(pods, Pod{Object: obj, Violation: v})
	}
	return pods
}

// Objects returns the objects of pods, in order.
func Objects(pods []Pod) []map[string]any {
	out := make([]map[string]any, len(pods))
	for i, p := range pods {
		out[i] = p.Object
	}
	return out
}

// CountViolating returns how many of pods carry a violation.
func CountViolating(pods []Pod) int {
	n := 0
	for _, p := range pods {
		if p.Violation != None {
			n++
		}
	}
	return n
}

func podName(app string, i int) string { return fmt.Sprintf("%s-%05d", app, i) }
