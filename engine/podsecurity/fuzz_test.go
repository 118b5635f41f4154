package podsecurity

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// FuzzEvaluate feeds random JSON objects to rules of every level, pinned and latest, with every kind of
// exclusion; Evaluate must not panic, and an allowed result carries no violations.
func FuzzEvaluate(f *testing.F) {
	rules := []*Check{
		rule(f, "level: baseline"),
		rule(f, "level: restricted\nversion: v1.24"),
		rule(f, "level: restricted\nversion: v1.18"),
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
			obj = podFromBytes(data)
		}
		pod, err := decodePod(obj)
		for _, c := range rules {
			if err == nil {
				requireOffencesForFailures(t, c, pod)
			}
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

// requireOffencesForFailures checks that every check the PSA functions fail reports at least one offending field,
// so that exclusions can never excuse a failure they do not see.
func requireOffencesForFailures(t *testing.T, c *Check, pod *corev1.Pod) {
	for i := range c.checks {
		cc := &c.checks[i]
		if res, failed := cc.run(&pod.ObjectMeta, &pod.Spec); failed && len(cc.offencesOf(&pod.ObjectMeta, &pod.Spec)) == 0 {
			t.Fatalf("check %s fails (%s: %s) without offences", cc.id, res.ForbiddenReason, res.ForbiddenDetail)
		}
	}
}

// podFromBytes builds a Pod with one container in each list and applies one security-relevant setting per byte,
// so that the fuzzer explores combinations of offences and exclusions rather than JSON syntax.
func podFromBytes(data []byte) map[string]any {
	images := []string{"nginx:1", "busybox", "ghcr.io/x/y:2"}
	lists := []string{"initContainers", "containers", "ephemeralContainers"}
	spec := map[string]any{}
	var ctrs []map[string]any
	for i, l := range lists {
		c := map[string]any{"name": "c" + l, "image": images[i], "securityContext": map[string]any{}}
		ctrs = append(ctrs, c)
		spec[l] = []any{c}
	}
	meta := map[string]any{"annotations": map[string]any{}}
	podSC := map[string]any{}
	spec["securityContext"] = podSC
	ops := fuzzOps(spec, podSC, meta)
	for _, b := range data {
		c := ctrs[int(b)/len(ops)%len(ctrs)]
		ops[int(b)%len(ops)](c, c["securityContext"].(map[string]any))
	}
	return map[string]any{"kind": "Pod", "metadata": meta, "spec": spec}
}

type fuzzOp func(c, sc map[string]any)

func fuzzOps(spec, podSC, meta map[string]any) []fuzzOp {
	set := func(k string, v any) fuzzOp { return func(_, sc map[string]any) { sc[k] = v } }
	pod := func(k string, v any) fuzzOp { return func(_, _ map[string]any) { spec[k] = v } }
	podSet := func(k string, v any) fuzzOp { return func(_, _ map[string]any) { podSC[k] = v } }
	return []fuzzOp{
		set("privileged", true), set("allowPrivilegeEscalation", true), set("allowPrivilegeEscalation", false),
		set("capabilities", map[string]any{"add": []any{"SYS_ADMIN"}}),
		set("capabilities", map[string]any{"drop": []any{"ALL"}, "add": []any{"NET_BIND_SERVICE"}}),
		set("procMount", "Unmasked"), set("seccompProfile", map[string]any{"type": "Unconfined"}),
		set("seccompProfile", map[string]any{"type": "RuntimeDefault"}), set("runAsNonRoot", false),
		set("runAsNonRoot", true), set("runAsUser", int64(0)), set("seLinuxOptions", map[string]any{"type": "bad_t", "user": "u"}),
		set("windowsOptions", map[string]any{"hostProcess": true}), set("appArmorProfile", map[string]any{"type": "Unconfined"}),
		func(c, _ map[string]any) { delete(c, "securityContext"); c["securityContext"] = map[string]any{} },
		func(c, _ map[string]any) {
			c["ports"] = []any{map[string]any{"containerPort": 80, "hostPort": float64(80)}}
		},
		func(c, _ map[string]any) {
			c["livenessProbe"] = map[string]any{"tcpSocket": map[string]any{"host": "h", "port": 1}}
		},
		pod("hostNetwork", true), pod("hostUsers", false), pod("os", map[string]any{"name": "windows"}),
		pod("volumes", []any{map[string]any{"name": "v", "hostPath": map[string]any{"path": "/etc/x"}},
			map[string]any{"name": "w", "nfs": map[string]any{"server": "s", "path": "/"}}}),
		podSet("runAsNonRoot", false), podSet("runAsNonRoot", true), podSet("runAsUser", 0),
		podSet("seccompProfile", map[string]any{"type": "Unconfined"}),
		podSet("seccompProfile", map[string]any{"type": "Localhost", "localhostProfile": "p"}),
		podSet("sysctls", []any{map[string]any{"name": "kernel.msgmax", "value": "1"}}),
		podSet("seLinuxOptions", map[string]any{"role": "r"}),
		func(_, _ map[string]any) {
			meta["annotations"].(map[string]any)["container.apparmor.security.beta.kubernetes.io/c"] = "unconfined"
		},
		func(c, _ map[string]any) {
			meta["annotations"].(map[string]any)[seccompContainerAnnotation+c["name"].(string)] = "unconfined"
		},
	}
}
