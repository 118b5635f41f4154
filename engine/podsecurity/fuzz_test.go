package podsecurity

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// FuzzEvaluate feeds random JSON objects to rules of every level, pinned and latest, with every kind of
// exclusion; Evaluate must not panic, and an allowed result carries no violations.
func FuzzEvaluate(f *testing.F) {
	rules := []*Check{
		rule(f, "level: baseline"),
		rule(f, "level: restricted\nversion: v1.24"),
		rule(f, `
level: restricted
exclude:
- controlName: Seccomp
- controlName: Seccomp
  images: ['*']
- controlName: Capabilities
  images: ['nginx*']
  restrictedField: spec.containers[*].securityContext.capabilities.add
  values: [SYS_*]
- controlName: Running as Non-root
- controlName: Running as Non-root user
  images: ['?*']
- controlName: Volume Types
- controlName: HostPath Volumes
  restrictedField: spec.volumes[*].hostPath
  values: ['/etc/*']
- controlName: AppArmor
  restrictedField: metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]
  values: [unconfined]
- controlName: Host Ports
  images: ['*']
- controlName: Sysctls
`),
	}
	for _, doc := range []string{restrictedPod, violatingPod, podWith("  hostIPC: true\n", restrictedContainer),
		"kind: CronJob\nspec: {jobTemplate: {spec: {template: {spec: {containers: [{name: a, securityContext: {runAsUser: 0}}]}}}}}",
		"kind: Deployment\nspec: {template: {metadata: {annotations: {a: b}}, spec: {volumes: [{name: x}]}}}"} {
		var m map[string]any
		require.NoError(f, yaml.Unmarshal([]byte(doc), &m))
		raw, err := json.Marshal(m)
		require.NoError(f, err)
		f.Add(raw)
	}
	f.Add([]byte(`{"kind":"Pod","spec":{"containers":[{"name":"a","ports":[{"hostPort":1e99}]}]}}`))
	f.Add([]byte(`{"spec":{"initContainers":[null,{"securityContext":null}],"ephemeralContainers":[{}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var obj map[string]any
		if json.Unmarshal(data, &obj) != nil || obj == nil {
			return
		}
		for _, c := range rules {
			res := c.Evaluate(obj)
			if res.Allowed && (len(res.Violations) > 0 || res.Message != "") {
				t.Fatalf("allowed with violations: %+v", res)
			}
			if !res.Allowed && res.Message == "" {
				t.Fatalf("denied without message: %+v", res)
			}
		}
	})
}
