package engine_test

import (
	"fmt"
	"testing"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// podDefaultsMutatingPolicy sets Pod defaults: a label, imagePullPolicy and securityContext defaults on every
// container, kept where the Pod sets them.
const podDefaultsMutatingPolicy = `apiVersion: policies.kyverno.io/v1
kind: MutatingPolicy
metadata: {name: pod-defaults}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
  autogen: {podControllers: {controllers: []}}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: >-
        Object{
          metadata: Object.metadata{labels: {"bylaw.dev/defaults": "applied"}},
          spec: Object.spec{
            securityContext: Object.spec.securityContext{runAsNonRoot: true},
            containers: object.spec.containers.map(c, Object.spec.containers{
              name: c.name,
              imagePullPolicy: has(c.imagePullPolicy) ? c.imagePullPolicy : "IfNotPresent",
              securityContext: Object.spec.containers.securityContext{allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
            })
          }
        }
`

// podDefaultsStrategicMerge is the same defaults as a ClusterPolicy patchStrategicMerge, for comparison.
const podDefaultsStrategicMerge = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: pod-defaults}
spec:
  rules:
  - name: defaults
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchStrategicMerge:
        metadata:
          labels: {bylaw.dev/defaults: applied}
        spec:
          securityContext: {runAsNonRoot: true}
          containers:
          - (name): "*"
            +(imagePullPolicy): IfNotPresent
            securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true}
`

// benchPods returns n Pods of two containers each, with ports, env and resources, as admission sees them.
func benchPods(n int) []*engine.Input {
	out := make([]*engine.Input, n)
	for i := range out {
		container := func(name, image string) map[string]any {
			return map[string]any{"name": name, "image": image,
				"ports": []any{map[string]any{"containerPort": int64(8080), "protocol": "TCP"}},
				"env":   []any{map[string]any{"name": "MODE", "value": "prod"}},
				"resources": map[string]any{"requests": map[string]any{"cpu": "100m", "memory": "128Mi"},
					"limits": map[string]any{"memory": "256Mi"}}}
		}
		pod := map[string]any{"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": fmt.Sprintf("pod-%d", i), "namespace": "shop",
				"labels": map[string]any{"app": "web"}},
			"spec": map[string]any{"containers": []any{container("app", "nginx:1.27"), container("proxy", "envoy:1.31")},
				"volumes": []any{map[string]any{"name": "cache", "emptyDir": map[string]any{}}}}}
		out[i] = engine.NewInput(engine.Request{Object: pod})
	}
	return out
}

// BenchmarkPodDefaults mutates 1,000 Pods with a MutatingPolicy (ApplyConfiguration) and with the equivalent
// patchStrategicMerge ClusterPolicy, side by side; each op is one Pod: Mutate and the JSON patch of the response.
func BenchmarkPodDefaults(b *testing.B) {
	for _, bc := range []struct{ name, doc string }{
		{"MutatingPolicy", podDefaultsMutatingPolicy},
		{"patchStrategicMerge", podDefaultsStrategicMerge},
	} {
		b.Run(bc.name, func(b *testing.B) {
			e := engine.New()
			set := policy.NewLoader(e).LoadBytes("p.yaml", []byte(bc.doc))
			if len(set.Errors) > 0 || len(set.Policies) != 1 {
				b.Fatalf("load: %v", set.Errors)
			}
			p, pods := set.Policies[0], benchPods(1000)
			mutate := func(in *engine.Input) {
				res := e.Mutate(b.Context(), p, in, engine.EvalOptions{})
				if len(res.Rules) != 1 || res.Rules[0].Status != engine.StatusPass || res.Patched == nil {
					b.Fatalf("not mutated: %+v", res.Rules)
				}
				if ops, err := res.Patches(in); err != nil || len(ops) == 0 {
					b.Fatalf("no patch: %v", err)
				}
			}
			mutate(pods[0])
			b.ResetTimer()
			i := 0
			for b.Loop() {
				mutate(pods[i%len(pods)])
				i++
			}
		})
	}
}
