package podsecurity

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// podTemplate finds the pod metadata and spec of a resource: the object itself for a Pod, spec.template for a Pod
// controller, spec.jobTemplate.spec.template for a CronJob. Other kinds are read by shape, in the same order
// of preference. A resource without a template yields an empty pod.
func podTemplate(obj map[string]any) map[string]any {
	kind, _ := obj["kind"].(string)
	switch kind {
	case "Pod":
		return obj
	case "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job":
		return child(obj, "spec", "template")
	case "CronJob":
		return child(obj, "spec", "jobTemplate", "spec", "template")
	}
	if t := child(obj, "spec", "jobTemplate", "spec", "template"); t != nil {
		return t
	}
	if t := child(obj, "spec", "template"); t != nil {
		return t
	}
	return obj
}

// child walks nested objects; it returns nil when a step is missing or not an object.
func child(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// decodePod converts the pod template of obj into the typed pod the PSA checks read: the spec and the metadata
// annotations (the only metadata they look at).
func decodePod(obj map[string]any) (*corev1.Pod, error) {
	pod := &corev1.Pod{}
	tmpl := podTemplate(obj)
	if tmpl == nil {
		return pod, nil
	}
	annotations, err := decodeAnnotations(child(tmpl, "metadata"))
	if err != nil {
		return nil, err
	}
	pod.Annotations = annotations
	switch spec := tmpl["spec"].(type) {
	case nil:
		return pod, nil
	case map[string]any:
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(spec, &pod.Spec); err != nil {
			return nil, fmt.Errorf("pod spec: %w", err)
		}
		return pod, nil
	default:
		return nil, fmt.Errorf("pod spec: expected an object, got %T", spec)
	}
}

func decodeAnnotations(meta map[string]any) (map[string]string, error) {
	raw, ok := meta["annotations"].(map[string]any)
	if !ok {
		if v, present := meta["annotations"]; present && v != nil {
			return nil, fmt.Errorf("metadata.annotations: expected an object, got %T", v)
		}
		return nil, nil
	}
	out := make(map[string]string, len(raw))
	for k, v := range raw {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("metadata.annotations[%s]: expected a string, got %T", k, v)
		}
		out[k] = s
	}
	return out, nil
}
