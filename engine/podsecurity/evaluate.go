package podsecurity

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Result is the outcome of a podSecurity rule on one resource.
type Result struct {
	// Allowed is true when no check fails once the exclusions are applied.
	Allowed bool
	// Violations lists the failing checks, in PSA order.
	Violations []Violation
	// Message summarises the violations, or why the pod could not be read; empty when allowed.
	Message string
}

// Violation is one failing Pod Security Standards check.
type Violation struct {
	// Control is the control name (e.g. "Capabilities"), or the PSA check ID when the check has no control name.
	Control string
	// Reason and Detail are the PSA check's forbidden reason and detail.
	Reason, Detail string
	// Images are the images of the offending containers, if the check points at containers.
	Images []string
}

// Pod is the typed pod template of a resource, decoded once for every Check that reads it. It is only read, so one
// Pod may serve several checks, concurrently too.
type Pod struct {
	pod *corev1.Pod
	err error
}

// Decode reads the pod template of obj, as Evaluate does, for EvaluatePod.
func Decode(obj map[string]any) *Pod {
	pod, err := decodePod(obj)
	return &Pod{pod: pod, err: err}
}

// Evaluate checks the Pod spec + metadata of obj: a Pod, a Pod controller (spec.template) or a CronJob
// (spec.jobTemplate.spec.template). obj is decoded JSON (map[string]any; numbers int64/float64).
func (c *Check) Evaluate(obj map[string]any) Result {
	return c.EvaluatePod(func() *Pod { return Decode(obj) })
}

// EvaluatePod is Evaluate on the pod template that decoded returns; decoded is called only when the check has
// controls to run. A caller checking one resource against several rules passes a decoded that returns one Decode.
func (c *Check) EvaluatePod(decoded func() *Pod) Result {
	if len(c.checks) == 0 {
		return Result{Allowed: true}
	}
	p := decoded()
	if p.err != nil {
		return Result{Message: "podSecurity: cannot read the pod template: " + p.err.Error()}
	}
	return c.evaluate(p.pod)
}

// evaluate runs the checks on pod, then the exclusions of the failing ones.
func (c *Check) evaluate(pod *corev1.Pod) Result {
	var violations []Violation
	var stand *standIns
	for i := range c.checks {
		cc := &c.checks[i]
		res, failed := cc.run(&pod.ObjectMeta, &pod.Spec)
		if !failed {
			continue
		}
		offences := cc.offencesOf(&pod.ObjectMeta, &pod.Spec)
		if len(cc.excludes) > 0 {
			if stand == nil {
				stand = &standIns{pod: pod, pods: make([]*corev1.Pod, c.excludeCount)}
			}
			if cc.excused(offences, stand) {
				continue
			}
		}
		violations = append(violations, Violation{Control: cc.control, Reason: res.ForbiddenReason,
			Detail: res.ForbiddenDetail, Images: offenderImages(pod, offences)})
	}
	if len(violations) == 0 {
		return Result{Allowed: true}
	}
	return Result{Violations: violations, Message: c.message(violations)}
}

// message renders the violations the way PSA aggregates them: reason (detail), reason (detail).
func (c *Check) message(violations []Violation) string {
	var b strings.Builder
	b.WriteString(`violates PodSecurity "`)
	b.WriteString(c.label)
	b.WriteString(`": `)
	for i, v := range violations {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.Reason)
		if v.Detail != "" {
			b.WriteString(" (")
			b.WriteString(v.Detail)
			b.WriteString(")")
		}
	}
	return b.String()
}
