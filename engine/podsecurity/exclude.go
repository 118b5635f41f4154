package podsecurity

import (
	"github.com/bylaw-dev/bylaw/engine/wildcard"
	corev1 "k8s.io/api/core/v1"
)

// standIns holds, per exclude entry, the pod the entry is evaluated on, built on first use during one Evaluate.
type standIns struct {
	pod  *corev1.Pod
	pods []*corev1.Pod // indexed by exclude entry
}

// forExclude returns the pod an exclude entry is judged on, as Kyverno builds it: without images, the pod with its
// containers replaced by one empty stand-in container (so only pod-level fields and what every container would
// inherit remain); with images, a pod holding only the containers whose image matches.
func (s *standIns) forExclude(ex *compiledExclude) *corev1.Pod {
	if p := s.pods[ex.index]; p != nil {
		return p
	}
	var p *corev1.Pod
	if len(ex.images) == 0 {
		p = podLevelOnly(s.pod)
	} else {
		p = matchingContainers(s.pod, ex.images)
	}
	s.pods[ex.index] = p
	return p
}

func podLevelOnly(pod *corev1.Pod) *corev1.Pod {
	p := &corev1.Pod{ObjectMeta: pod.ObjectMeta, Spec: pod.Spec}
	p.Spec.Containers = []corev1.Container{{Name: "fake"}}
	p.Spec.InitContainers = nil
	p.Spec.EphemeralContainers = nil
	return p
}

func matchingContainers(pod *corev1.Pod, images []string) *corev1.Pod {
	p := &corev1.Pod{}
	for i := range pod.Spec.InitContainers {
		if matchesAny(images, pod.Spec.InitContainers[i].Image) {
			p.Spec.InitContainers = append(p.Spec.InitContainers, pod.Spec.InitContainers[i])
		}
	}
	for i := range pod.Spec.Containers {
		if matchesAny(images, pod.Spec.Containers[i].Image) {
			p.Spec.Containers = append(p.Spec.Containers, pod.Spec.Containers[i])
		}
	}
	for i := range pod.Spec.EphemeralContainers {
		if matchesAny(images, pod.Spec.EphemeralContainers[i].Image) {
			p.Spec.EphemeralContainers = append(p.Spec.EphemeralContainers, pod.Spec.EphemeralContainers[i])
		}
	}
	return p
}

func matchesAny(patterns []string, s string) bool {
	for _, pattern := range patterns {
		if wildcard.Match(pattern, s) {
			return true
		}
	}
	return false
}

// excused applies the check's exclusions in policy order to the offences of a failing check, as Kyverno does: each
// offence the check also finds on an exclusion's stand-in pod, and that passes the exclusion's restrictedField and
// values, removes one matching offence of the pod (same field; with images, also the same container name). The
// check is excused once nothing remains.
func (c *compiledCheck) excused(offences []offence, s *standIns) bool {
	offences = append([]offence(nil), offences...)
	for i := range c.excludes {
		ex := &c.excludes[i]
		target := s.forExclude(ex)
		if !c.fails(&target.ObjectMeta, &target.Spec) {
			continue
		}
		byImage := len(ex.images) > 0
		for _, o := range c.offencesOf(&target.ObjectMeta, &target.Spec) {
			if !ex.covers(o) {
				continue
			}
			offences = removeMatching(offences, o, byImage, target, s.pod)
			if len(offences) == 0 {
				return true
			}
		}
	}
	return false
}

// covers reports whether an offence found on the stand-in pod passes the restrictedField and values filters.
func (ex *compiledExclude) covers(o offence) bool {
	if ex.hasField && o.field != ex.field {
		return false
	}
	if len(ex.values) == 0 {
		return true
	}
	for _, v := range o.values {
		if !matchesAny(ex.values, v) {
			return false
		}
	}
	return true
}

// removeMatching drops the first offence of the pod on the same field as o, and, when the exclusion selects
// containers by image, in a container of the same name.
func removeMatching(offences []offence, o offence, byImage bool, target, pod *corev1.Pod) []offence {
	for i, d := range offences {
		if d.field != o.field {
			continue
		}
		if byImage && d.field.kind != kindPod && containerName(target, o) != containerName(pod, d) {
			continue
		}
		last := len(offences) - 1
		offences[i] = offences[last]
		return offences[:last]
	}
	return offences
}

func containerName(pod *corev1.Pod, o offence) string {
	switch o.field.kind {
	case kindContainers:
		return pod.Spec.Containers[o.index].Name
	case kindInitContainers:
		return pod.Spec.InitContainers[o.index].Name
	case kindEphemeralContainers:
		return pod.Spec.EphemeralContainers[o.index].Name
	}
	return ""
}

// offenderImages lists, once each, the images of the containers holding offences.
func offenderImages(pod *corev1.Pod, offences []offence) []string {
	var out []string
	for _, o := range offences {
		image := containerImage(pod, o)
		if image == "" || contains(out, image) {
			continue
		}
		out = append(out, image)
	}
	return out
}

func containerImage(pod *corev1.Pod, o offence) string {
	switch o.field.kind {
	case kindContainers:
		return pod.Spec.Containers[o.index].Image
	case kindInitContainers:
		return pod.Spec.InitContainers[o.index].Image
	case kindEphemeralContainers:
		return pod.Spec.EphemeralContainers[o.index].Image
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
