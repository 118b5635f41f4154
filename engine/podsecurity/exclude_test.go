package podsecurity

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// container renders one entry of a container list.
func container(name, image, securityContext string) string {
	s := "  - name: " + name + "\n    image: " + image + "\n"
	if securityContext != "" {
		s += "    securityContext: " + securityContext + "\n"
	}
	return s
}

// pod renders a Pod from pod-level spec lines and container list blocks ("containers:\n" + entries ...).
func pod(specLines string, lists ...string) string {
	s := "kind: Pod\nmetadata:\n  name: p\nspec:\n" + specLines
	for _, l := range lists {
		s += l
	}
	return s
}

func containers(entries ...string) string { return list("containers", entries...) }
func initContainers(entries ...string) string {
	return list("initContainers", entries...)
}
func ephemeralContainers(entries ...string) string {
	return list("ephemeralContainers", entries...)
}

func list(name string, entries ...string) string {
	s := "  " + name + ":\n"
	for _, e := range entries {
		s += e
	}
	return s
}

const okRestricted = "{allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: {drop: [ALL]}"
const podSeccompOK = "  securityContext: {seccompProfile: {type: RuntimeDefault}}\n"

func TestEvaluateExclusions(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		pod     string
		allowed bool
	}{
		// controlName only: pod-level fields.
		{"host namespaces excluded", "level: baseline\nexclude: [{controlName: Host Namespaces}]",
			pod("  hostIPC: true\n", containers(container("c", "x", ""))), true},
		{"other control excluded", "level: baseline\nexclude: [{controlName: HostPath Volumes}]",
			pod("  hostIPC: true\n", containers(container("c", "x", ""))), false},
		// controlName + images: container-level fields.
		{"capabilities excluded for nginx", "level: restricted\nexclude: [{controlName: Capabilities, images: [nginx*, redis*]}]",
			pod(podSeccompOK, containers(container("c", "nginx:1.1.9", okRestricted+", capabilities: {add: [SYS_ADMIN], drop: [ALL]}}"))), true},
		{"capabilities not excluded for busybox", "level: restricted\nexclude: [{controlName: Capabilities, images: [nginx*]}]",
			pod(podSeccompOK, containers(container("c", "busybox:1.28", okRestricted+", capabilities: {add: [SYS_ADMIN], drop: [ALL]}}"))), false},
		{"every offending container must match", "level: baseline\nexclude: [{controlName: Privileged Containers, images: [nginx]}]",
			pod("", containers(container("a", "nginx", "{privileged: true}"), container("b", "nginx:1.2.3", "{privileged: true}"))), false},
		{"init and ephemeral containers matched too", "level: baseline\nexclude: [{controlName: Privileged Containers, images: ['ghcr.io/*']}]",
			pod("", containers(container("a", "x", "")), initContainers(container("i", "ghcr.io/i:1", "{privileged: true}")),
				ephemeralContainers(container("e", "ghcr.io/e:1", "{privileged: true}"))), true},
		{"images do not cover pod-level fields", "level: baseline\nexclude: [{controlName: SELinux, images: [nginx]}]",
			pod("  securityContext: {seLinuxOptions: {type: bad_t}}\n", containers(container("c", "nginx", "{seLinuxOptions: {type: bad_t}}"))), false},
		{"pod and container exclusions together", "level: baseline\nexclude: [{controlName: SELinux}, {controlName: SELinux, images: [nginx]}]",
			pod("  securityContext: {seLinuxOptions: {type: bad_t}}\n", containers(container("c", "nginx", "{seLinuxOptions: {type: bad_t}}"))), true},
		// Seccomp at both levels (docs example): one exclusion per level is needed.
		{"seccomp pod level only", "level: restricted\nexclude: [{controlName: Seccomp}]",
			pod("  securityContext: {seccompProfile: {type: Unconfined}}\n", containers(container("c", "busybox", okRestricted+"}"))), true},
		{"seccomp container needs images", "level: restricted\nexclude: [{controlName: Seccomp}]",
			pod("", containers(container("c", "busybox", okRestricted+", seccompProfile: {type: Unconfined}}"))), false},
		{"seccomp both levels", "level: restricted\nexclude: [{controlName: Seccomp}, {controlName: Seccomp, images: ['*']}]",
			pod("  securityContext: {seccompProfile: {type: Unconfined}}\n",
				containers(container("c", "busybox", okRestricted+", seccompProfile: {type: Unconfined}}"))), true},
		// restrictedField + values.
		{"capability value excluded", capAddRule, pod("", containers(container("nginx", "nginx:latest", "{capabilities: {add: [FOO]}}"))), true},
		{"capability value not excluded", capAddRule, pod("", containers(container("nginx", "nginx:latest", "{capabilities: {add: [BAZ]}}"))), false},
		{"every value must be excluded", capAddRule, pod("", containers(container("nginx", "nginx:latest", "{capabilities: {add: [FOO, BAZ]}}"))), false},
		{"value excluded for other image only", capAddRule, pod("", containers(container("b", "busybox", "{capabilities: {add: [FOO]}}"))), false},
		{"seccomp values at both levels", seccompValuesRule, pod("  securityContext: {seccompProfile: {type: Unconfined}}\n",
			containers(container("nginx", "nginx:latest", "{seccompProfile: {type: Unconfined}}"))), true},
		{"seccomp pod value not listed", seccompValuesRule, pod("  securityContext: {seccompProfile: {type: Unknown}}\n",
			containers(container("nginx", "nginx:latest", "{seccompProfile: {type: Unconfined}}"))), false},
		{"field of another container list", "level: baseline\nexclude: [{controlName: Privileged Containers, images: [nginx], " +
			"restrictedField: 'spec.initContainers[*].securityContext.privileged', values: ['true']}]",
			pod("", containers(container("c", "nginx", "{privileged: true}"))), false},
		{"host port values", "level: baseline\nexclude: [{controlName: Host Ports, images: [nginx], " +
			"restrictedField: 'spec.containers[*].ports[*].hostPort', values: ['80', '44?']}]",
			pod("", containers(container("c", "nginx", "")+"    ports: [{containerPort: 80, hostPort: 80}, {containerPort: 443, hostPort: 443}]\n")), true},
		{"host port value not listed", "level: baseline\nexclude: [{controlName: Host Ports, images: [nginx], " +
			"restrictedField: 'spec.containers[*].ports[*].hostPort', values: ['80']}]",
			pod("", containers(container("c", "nginx", "")+"    ports: [{containerPort: 80, hostPort: 80}, {containerPort: 443, hostPort: 443}]\n")), false},
		{"hostPath path value", "level: baseline\nexclude: [{controlName: HostPath Volumes, restrictedField: 'spec.volumes[*].hostPath', values: [/etc/*]}]",
			pod("  volumes: [{name: v, hostPath: {path: /etc/nginx}}]\n", containers(container("c", "x", ""))), true},
		{"hostPath path not listed", "level: baseline\nexclude: [{controlName: HostPath Volumes, restrictedField: 'spec.volumes[*].hostPath', values: [/etc/*]}]",
			pod("  volumes: [{name: v, hostPath: {path: /var/lib}}]\n", containers(container("c", "x", ""))), false},
		{"sysctl wildcard value", "level: baseline\nexclude: [{controlName: Sysctls, restrictedField: 'spec.securityContext.sysctls[*].name', values: ['net.core.*']}]",
			pod("  securityContext: {sysctls: [{name: net.core.somaxconn, value: '1'}, {name: kernel.shm_rmid_forced, value: '1'}]}\n",
				containers(container("c", "x", ""))), true},
		{"apparmor annotation key", "level: baseline\nexclude: [{controlName: AppArmor, " +
			"restrictedField: 'metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]', values: [unconfined]}]",
			"kind: Pod\nmetadata:\n  annotations: {container.apparmor.security.beta.kubernetes.io/c: unconfined}\n" +
				"spec:\n  containers: [{name: c, image: x}]\n", true},
		{"apparmor other annotation key", "level: baseline\nexclude: [{controlName: AppArmor, " +
			"restrictedField: 'metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]', values: [unconfined]}]",
			"kind: Pod\nmetadata:\n  annotations: {container.apparmor.security.beta.kubernetes.io/d: unconfined}\n" +
				"spec:\n  containers: [{name: d, image: x}]\n", false},
		{"apparmor profile types", "level: baseline\nexclude: [" +
			"{controlName: AppArmor, restrictedField: spec.securityContext.appArmorProfile.type, values: [Unconfined]}, " +
			"{controlName: AppArmor, images: [nginx], restrictedField: 'spec.containers[*].securityContext.appArmorProfile.type', values: [Unconfined]}]",
			pod("  securityContext: {appArmorProfile: {type: Unconfined}}\n",
				containers(container("c", "nginx", "{appArmorProfile: {type: Unconfined}}"))), true},
		{"apparmor container profile of other image", "level: baseline\nexclude: [" +
			"{controlName: AppArmor, images: [nginx], restrictedField: 'spec.containers[*].securityContext.appArmorProfile.type', values: [Unconfined]}]",
			pod("", containers(container("c", "nginx", "{appArmorProfile: {type: Unconfined}}"),
				container("d", "redis", "{appArmorProfile: {type: Unconfined}}"))), false},
		// Volume Types in restricted also needs HostPath Volumes: both checks run.
		{"volume types alone leave hostPath failing", "level: restricted\nexclude: [{controlName: Volume Types}]",
			pod("  securityContext: {seccompProfile: {type: RuntimeDefault}}\n  volumes: [{name: v, hostPath: {path: /x}}, {name: nv, nfs: {server: s, path: /}}]\n",
				containers(container("c", "x", okRestricted+"}"))), false},
		{"volume types and hostPath volumes", "level: restricted\nexclude: [{controlName: Volume Types}, {controlName: HostPath Volumes}]",
			pod("  securityContext: {seccompProfile: {type: RuntimeDefault}}\n  volumes: [{name: v, hostPath: {path: /x}}, {name: nv, nfs: {server: s, path: /}}]\n",
				containers(container("c", "x", okRestricted+"}"))), true},
		{"volume type field", "level: restricted\nexclude: [{controlName: Volume Types, restrictedField: 'spec.volumes[*].nfs', values: ['']}]",
			pod("  securityContext: {seccompProfile: {type: RuntimeDefault}}\n  volumes: [{name: nv, nfs: {server: s, path: /}}]\n",
				containers(container("c", "x", okRestricted+"}"))), true},
		// Kyverno's stand-in container: a pod-level exclusion also takes away one container offence of the same
		// field that the pod-level setting causes.
		{"runAsNonRoot pod false, container unset", "level: restricted\nexclude: [{controlName: Running as Non-root}]",
			pod("  securityContext: {runAsNonRoot: false, seccompProfile: {type: RuntimeDefault}}\n",
				containers(container("c", "x", "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"))), true},
		{"runAsNonRoot stand-in covers one container only", "level: restricted\nexclude: [{controlName: Running as Non-root}]",
			pod(podSeccompOK, containers(container("a", "x", "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"),
				container("b", "x", "{allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"))), false},
		{"runAsNonRoot container false needs images", "level: restricted\nexclude: [{controlName: Running as Non-root}]",
			pod("  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n",
				containers(container("c", "x", "{runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"))), false},
		{"runAsNonRoot values per level", "level: restricted\nexclude: [" +
			"{controlName: Running as Non-root, images: [nginx], restrictedField: 'spec.containers[*].securityContext.runAsNonRoot', values: ['false']}, " +
			"{controlName: Running as Non-root, restrictedField: spec.securityContext.runAsNonRoot, values: ['false']}]",
			pod("  securityContext: {runAsNonRoot: false, seccompProfile: {type: RuntimeDefault}}\n",
				containers(container("nginx", "nginx", "{runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}"))), true},
		{"privilege escalation unset in securityContext is 'nil'", "level: restricted\nexclude: [{controlName: Privilege Escalation, " +
			"images: [nginx], restrictedField: 'spec.containers[*].securityContext.allowPrivilegeEscalation', values: ['true']}]",
			pod(podSeccompOK, containers(container("c", "nginx", "{runAsNonRoot: true, capabilities: {drop: [ALL]}}"))), false},
		{"privilege escalation missing securityContext has no value", "level: restricted\nexclude: [" +
			"{controlName: Privilege Escalation, images: [nginx], restrictedField: 'spec.containers[*].securityContext.allowPrivilegeEscalation', values: ['true']}, " +
			"{controlName: Capabilities, images: [nginx]}, {controlName: Running as Non-root, images: [nginx]}]",
			pod("  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n", containers(container("c", "nginx", ""))), true},
		{"probe host excluded", "level: baseline\nexclude: [{controlName: Host Probes / Lifecycle Hooks, images: [nginx], " +
			"restrictedField: 'spec.containers[*].livenessProbe.httpGet.host', values: ['*.internal']}]",
			pod("", containers(container("c", "nginx", "")+"    livenessProbe: {httpGet: {host: db.internal, port: 80}}\n")), true},
		{"proc mount both checks excluded", "level: restricted\nexclude: [{controlName: /proc Mount Type, images: [nginx]}]",
			pod(podSeccompOK, containers(container("c", "nginx", okRestricted+", procMount: Unmasked}"))), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := rule(t, tc.rule).Evaluate(obj(t, tc.pod))
			assert.Equal(t, tc.allowed, got.Allowed, got.Message)
			assert.Equal(t, tc.allowed, len(got.Violations) == 0, got.Message)
		})
	}
}

const capAddRule = `level: baseline
exclude:
- controlName: Capabilities
  images: [nginx*]
  restrictedField: spec.containers[*].securityContext.capabilities.add
  values: [FOO, BAR]`

const seccompValuesRule = `level: baseline
exclude:
- controlName: Seccomp
  restrictedField: spec.securityContext.seccompProfile.type
  values: [Unconfined]
- controlName: Seccomp
  images: [nginx*]
  restrictedField: spec.containers[*].securityContext.seccompProfile.type
  values: [Unconfined]`
