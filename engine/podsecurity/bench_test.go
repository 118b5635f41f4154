package podsecurity

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	sigsjson "sigs.k8s.io/json"
)

// BenchmarkEvaluate measures the restricted level, latest version, on a compliant and on a violating Pod.
func BenchmarkEvaluate(b *testing.B) {
	check := rule(b, "level: restricted\nversion: latest")
	for _, bc := range []struct {
		name    string
		doc     string
		allowed bool
	}{{"compliant", restrictedPod, true}, {"violating", violatingPod, false}} {
		pod := obj(b, bc.doc)
		require.Equal(b, bc.allowed, check.Evaluate(pod).Allowed)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				check.Evaluate(pod)
			}
		})
	}
}

// BenchmarkEvaluateWithExcludes measures a violating Pod whose failures the exclusions excuse.
func BenchmarkEvaluateWithExcludes(b *testing.B) {
	check := rule(b, `
level: restricted
exclude:
- controlName: Seccomp
- controlName: Seccomp
  images: ["*"]
- controlName: Capabilities
  images: ["nginx*"]
`)
	pod := obj(b, `
kind: Pod
spec:
  securityContext: {runAsNonRoot: true, seccompProfile: {type: Unconfined}}
  containers:
  - name: app
    image: nginx:1.27
    securityContext: {allowPrivilegeEscalation: false, capabilities: {add: [SYS_ADMIN]}}
`)
	require.True(b, check.Evaluate(pod).Allowed)
	b.ReportAllocs()
	for b.Loop() {
		check.Evaluate(pod)
	}
}

// BenchmarkDecodeSpec compares the ways of turning the decoded pod spec into corev1.PodSpec; decodePod uses the
// unstructured converter, the faster one here.
func BenchmarkDecodeSpec(b *testing.B) {
	spec := obj(b, restrictedPod)["spec"].(map[string]any)
	decoders := []struct {
		name   string
		decode func(map[string]any, *corev1.PodSpec) error
	}{
		{"unstructured-converter", func(m map[string]any, s *corev1.PodSpec) error {
			return runtime.DefaultUnstructuredConverter.FromUnstructured(m, s)
		}},
		{"encoding-json", func(m map[string]any, s *corev1.PodSpec) error {
			raw, err := json.Marshal(m)
			if err != nil {
				return err
			}
			return json.Unmarshal(raw, s)
		}},
		{"sigs-json", func(m map[string]any, s *corev1.PodSpec) error {
			raw, err := json.Marshal(m)
			if err != nil {
				return err
			}
			return sigsjson.UnmarshalCaseSensitivePreserveInts(raw, s)
		}},
	}
	for _, d := range decoders {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var s corev1.PodSpec
				if err := d.decode(spec, &s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
