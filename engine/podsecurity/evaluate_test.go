package podsecurity

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// podWith builds a one-container Pod whose spec lines (indented by 2) are inserted before the containers.
func podWith(specLines, containerLines string) string {
	return "kind: Pod\nmetadata:\n  name: p\nspec:\n" + specLines +
		"  containers:\n  - name: c\n    image: nginx:1.27\n" + containerLines
}

const restrictedContainer = "    securityContext:\n      allowPrivilegeEscalation: false\n" +
	"      runAsNonRoot: true\n      seccompProfile: {type: RuntimeDefault}\n      capabilities: {drop: [ALL]}\n"

func TestEvaluateLevelsAndVersions(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		pod     string
		allowed bool
	}{
		{"privileged allows anything", "level: privileged", violatingPod, true},
		{"baseline allows a restricted pod", "level: baseline", restrictedPod, true},
		{"restricted allows a restricted pod", "level: restricted", restrictedPod, true},
		{"baseline rejects hostIPC", "level: baseline", podWith("  hostIPC: true\n", ""), false},
		{"baseline ignores restricted-only fields", "level: baseline", podWith("", ""), true},
		{"restricted requires runAsNonRoot and more", "level: restricted", podWith("", ""), false},
		{"restricted pinned v1.21 lets capabilities slide", "level: restricted\nversion: v1.21",
			podWith("", "    securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true,"+
				" seccompProfile: {type: RuntimeDefault}}\n"), true},
		{"restricted latest rejects missing drop ALL", "level: restricted",
			podWith("", "    securityContext: {allowPrivilegeEscalation: false, runAsNonRoot: true,"+
				" seccompProfile: {type: RuntimeDefault}}\n"), false},
		{"probe host allowed before v1.34", "level: baseline\nversion: v1.33",
			podWith("", "    livenessProbe: {httpGet: {host: evil.example, port: 80}}\n"), true},
		{"probe host rejected at latest", "level: baseline",
			podWith("", "    livenessProbe: {httpGet: {host: evil.example, port: 80}}\n"), false},
		{"sysctl allowed from v1.29 at latest", "level: baseline",
			podWith("  securityContext: {sysctls: [{name: net.ipv4.tcp_keepalive_time, value: '60'}]}\n", ""), true},
		{"sysctl rejected at v1.26", "level: baseline\nversion: v1.26",
			podWith("  securityContext: {sysctls: [{name: net.ipv4.tcp_keepalive_time, value: '60'}]}\n", ""), false},
		{"pinned version runs every older revision too", "level: baseline\nversion: v1.30",
			podWith("  securityContext: {sysctls: [{name: net.ipv4.tcp_keepalive_time, value: '60'}]}\n", ""), false},
		{"windows pod relaxed at latest", "level: restricted",
			podWith("  os: {name: windows}\n  securityContext: {runAsNonRoot: true}\n", ""), true},
		{"windows pod not relaxed when pinned (1.8 revision runs too)", "level: restricted\nversion: v1.30",
			podWith("  os: {name: windows}\n  securityContext: {runAsNonRoot: true}\n", ""), false},
		{"container_engine_t allowed at latest", "level: baseline",
			podWith("", "    securityContext: {seLinuxOptions: {type: container_engine_t}}\n"), true},
		{"container_engine_t rejected when pinned", "level: baseline\nversion: v1.31",
			podWith("", "    securityContext: {seLinuxOptions: {type: container_engine_t}}\n"), false},
		{"user namespace relaxes baseline procMount", "level: baseline",
			podWith("  hostUsers: false\n", "    securityContext: {procMount: Unmasked}\n"), true},
		{"restricted procMount ignores user namespaces", "level: restricted",
			podWith("  hostUsers: false\n", restrictedContainer+"      procMount: Unmasked\n"), false},
		{"legacy seccomp annotation checked when pinned", "level: baseline\nversion: v1.18",
			"kind: Pod\nmetadata:\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}\n" +
				"spec:\n  containers: [{name: c, image: x}]\n", false},
		{"legacy seccomp annotation ignored at latest", "level: baseline",
			"kind: Pod\nmetadata:\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: unconfined}\n" +
				"spec:\n  containers: [{name: c, image: x}]\n", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rule(t, tc.rule).Evaluate(obj(t, tc.pod))
			assert.Equal(t, tc.allowed, got.Allowed, got.Message)
			assert.Equal(t, tc.allowed, got.Message == "", got.Message)
			assert.Equal(t, tc.allowed, len(got.Violations) == 0, got.Message)
		})
	}
}

func TestEvaluateControllerKinds(t *testing.T) {
	template := "      metadata:\n        annotations: {container.apparmor.security.beta.kubernetes.io/c: unconfined}\n" +
		"      spec:\n        containers: [{name: c, image: nginx}]\n"
	clean := "      spec:\n        containers: [{name: c, image: nginx}]\n"
	controller := func(kind, tmpl string) string { return "kind: " + kind + "\nspec:\n  template:\n" + tmpl }
	cronJob := func(tmpl string) string {
		return "kind: CronJob\nspec:\n  jobTemplate:\n    spec:\n      template:\n" + indent(tmpl, "    ")
	}
	check := rule(t, "level: baseline")
	for _, kind := range []string{"Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "ReplicationController", "Job",
		"Rollout"} {
		t.Run(kind, func(t *testing.T) {
			assert.False(t, check.Evaluate(obj(t, controller(kind, template))).Allowed)
			assert.True(t, check.Evaluate(obj(t, controller(kind, clean))).Allowed)
		})
	}
	t.Run("CronJob", func(t *testing.T) {
		assert.False(t, check.Evaluate(obj(t, cronJob(template))).Allowed)
		assert.True(t, check.Evaluate(obj(t, cronJob(clean))).Allowed)
	})
	t.Run("controller without template", func(t *testing.T) {
		assert.True(t, check.Evaluate(obj(t, "kind: Deployment\nspec: {replicas: 1}")).Allowed)
	})
}

func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

func TestEvaluateNumbers(t *testing.T) {
	check := rule(t, "level: restricted")
	for _, n := range []any{int64(0), float64(0), 0} {
		pod := obj(t, podWith("", restrictedContainer))
		containers := pod["spec"].(map[string]any)["containers"].([]any)
		sc := containers[0].(map[string]any)["securityContext"].(map[string]any)
		sc["runAsUser"] = n
		got := check.Evaluate(pod)
		require.False(t, got.Allowed, "%T", n)
		assert.Equal(t, "Running as Non-root user", got.Violations[0].Control)
	}
	for _, n := range []any{int64(8080), float64(8080), 8080} {
		pod := obj(t, podWith("", ""))
		pod["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["ports"] =
			[]any{map[string]any{"containerPort": n, "hostPort": n}}
		got := rule(t, "level: baseline").Evaluate(pod)
		require.False(t, got.Allowed, "%T", n)
		assert.Contains(t, got.Message, "8080")
	}
}

func TestEvaluateUnreadablePods(t *testing.T) {
	check := rule(t, "level: baseline")
	tests := []struct {
		name, pod, want string
	}{
		{"spec not an object", "kind: Pod\nspec: [1]", "pod spec: expected an object"},
		{"annotation not a string", "kind: Pod\nmetadata: {annotations: {a: 1}}\nspec: {}", "metadata.annotations[a]"},
		{"annotations not an object", "kind: Pod\nmetadata: {annotations: [a]}\nspec: {}", "metadata.annotations: expected"},
		{"wrong field type", "kind: Pod\nspec: {hostNetwork: 'yes'}", "pod spec"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := check.Evaluate(obj(t, tc.pod))
			assert.False(t, got.Allowed)
			assert.Empty(t, got.Violations)
			assert.Contains(t, got.Message, tc.want)
		})
	}
}

func TestEvaluateReportsViolations(t *testing.T) {
	got := rule(t, "level: restricted\nversion: latest").Evaluate(obj(t, violatingPod))
	require.False(t, got.Allowed)
	byControl := map[string]Violation{}
	capabilityViolations := 0
	for _, v := range got.Violations {
		byControl[v.Control] = v
		if v.Control == "Capabilities" {
			capabilityViolations++
		}
	}
	// The restricted level runs the baseline checks it overrides too, as Kyverno does.
	assert.Equal(t, 2, capabilityViolations)
	assert.Equal(t, []string{"busybox:1.36"}, byControl["Privileged Containers"].Images)
	assert.Equal(t, []string{"nginx:1.27"}, byControl["Host Ports"].Images)
	assert.Equal(t, []string{"ghcr.io/acme/sidecar:2"}, byControl["Running as Non-root user"].Images)
	assert.Empty(t, byControl["Host Namespaces"].Images)
	assert.Equal(t, "host namespaces", byControl["Host Namespaces"].Reason)
	assert.Equal(t, "hostNetwork=true", byControl["Host Namespaces"].Detail)
	assert.Contains(t, byControl["Volume Types"].Detail, `"hostPath"`)
	assert.True(t, strings.HasPrefix(got.Message, `violates PodSecurity "restricted:latest": `), got.Message)
	assert.Contains(t, got.Message, "host namespaces (hostNetwork=true)")
}
