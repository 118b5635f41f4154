package gen

// Violation names the one Pod Security Standards control a generated Pod breaks; None for a compliant Pod.
type Violation string

// The controls the generator can break. Each is detected by at least one policy of the corpus folders
// pod-security/baseline and pod-security/restricted.
const (
	None                Violation = ""
	HostNetwork         Violation = "hostNetwork"
	HostPID             Violation = "hostPID"
	HostIPC             Violation = "hostIPC"
	HostPath            Violation = "hostPathVolume"
	HostPort            Violation = "hostPort"
	Privileged          Violation = "privileged"
	ProcMount           Violation = "procMountUnmasked"
	AppArmor            Violation = "appArmorUnconfined"
	SeccompUnconfined   Violation = "seccompUnconfined"
	PrivilegeEscalation Violation = "allowPrivilegeEscalation"
	RunAsRoot           Violation = "runAsUserZero"
	VolumeType          Violation = "disallowedVolumeType"
)

// ViolationAnnotation is the Pod annotation that names the violation a generated Pod carries. Compliant Pods do not
// have it.
const ViolationAnnotation = "bench.bylaw.dev/violation"

// Violations returns every control the generator can break, in a fixed order.
func Violations() []Violation {
	return []Violation{
		HostNetwork, HostPID, HostIPC, HostPath, HostPort, Privileged, ProcMount,
		AppArmor, SeccompUnconfined, PrivilegeEscalation, RunAsRoot, VolumeType,
	}
}

// DetectedBy returns the names of the corpus pod-security policies (baseline and restricted) that fail a Pod
// carrying v, sorted. A compliant Pod (None) fails none of them. Some controls overlap in the corpus: a hostPath
// volume is also a volume type restricted allows not, an Unconfined seccomp profile fails the baseline and the strict
// policy, a hostPort outside 5000-6000 fails both port policies, and a privileged container cannot keep
// allowPrivilegeEscalation false (the API server rejects it), so it fails disallow-privilege-escalation too.
func (v Violation) DetectedBy() []string {
	switch v {
	case HostNetwork, HostPID, HostIPC:
		return []string{"disallow-host-namespaces"}
	case HostPath:
		return []string{"disallow-host-path", "restrict-volume-types"}
	case HostPort:
		return []string{"disallow-host-ports", "disallow-host-ports-range"}
	case Privileged:
		return []string{"disallow-privilege-escalation", "disallow-privileged-containers"}
	case ProcMount:
		return []string{"disallow-proc-mount"}
	case AppArmor:
		return []string{"restrict-apparmor-profiles"}
	case SeccompUnconfined:
		return []string{"restrict-seccomp", "restrict-seccomp-strict"}
	case PrivilegeEscalation:
		return []string{"disallow-privilege-escalation"}
	case RunAsRoot:
		return []string{"require-run-as-non-root-user"}
	case VolumeType:
		return []string{"restrict-volume-types"}
	}
	return nil
}

// inject changes pod so that it breaks v and nothing else.
func inject(r *rng, pod map[string]any, v Violation) {
	spec := pod["spec"].(map[string]any)
	switch v {
	case HostNetwork, HostPID, HostIPC:
		spec[string(v)] = true
	case HostPath:
		addVolume(r, spec, map[string]any{"name": "host-data", "hostPath": map[string]any{
			"path": pick(r, []string{"/var/log", "/var/run/docker.sock", "/etc", "/var/lib/kubelet"}), "type": "Directory"}})
	case HostPort:
		addHostPort(r, spec)
	case Privileged:
		// The API server rejects privileged with allowPrivilegeEscalation false, so the field goes.
		sc := securityContextOf(randomContainer(r, spec))
		sc["privileged"] = true
		delete(sc, "allowPrivilegeEscalation")
	case ProcMount:
		spec["hostUsers"] = false // required by the API server for an Unmasked procMount
		securityContextOf(randomContainer(r, spec))["procMount"] = "Unmasked"
	case AppArmor:
		annotate(pod, "container.apparmor.security.beta.kubernetes.io/"+randomContainer(r, spec)["name"].(string),
			"unconfined")
	case SeccompUnconfined:
		injectSeccomp(r, spec)
	case PrivilegeEscalation:
		securityContextOf(randomContainer(r, spec))["allowPrivilegeEscalation"] = true
	case RunAsRoot:
		injectRunAsRoot(r, spec)
	case VolumeType:
		addVolume(r, spec, pick(r, disallowedVolumes()))
	}
	annotate(pod, ViolationAnnotation, string(v))
}

func disallowedVolumes() []map[string]any {
	return []map[string]any{
		{"name": "shared-nfs", "nfs": map[string]any{"server": "nfs.storage.svc", "path": "/exports/shared"}},
		{"name": "repo", "gitRepo": map[string]any{"repository": "https://github.com/example/site.git", "revision": "main"}},
		{"name": "block", "iscsi": map[string]any{"targetPortal": "10.0.0.7:3260", "iqn": "iqn.2001-04.com.example:storage",
			"lun": int64(0), "fsType": "ext4"}},
		{"name": "cephfs", "cephfs": map[string]any{"monitors": []any{"10.16.154.78:6789"}, "path": "/data"}},
	}
}

func addHostPort(r *rng, spec map[string]any) {
	c := randomContainer(r, spec)
	port := pick(r, []int64{80, 443, 8080, 9100, 10250})
	ports, _ := c["ports"].([]any)
	c["ports"] = append(ports, map[string]any{"name": "host", "containerPort": port, "hostPort": port, "protocol": "TCP"})
}

func injectSeccomp(r *rng, spec map[string]any) {
	unconfined := map[string]any{"type": "Unconfined"}
	if r.chance(0.5) {
		securityContextOf(spec)["seccompProfile"] = unconfined
		for _, c := range allContainers(spec) {
			delete(securityContextOf(c), "seccompProfile")
		}
		return
	}
	securityContextOf(randomContainer(r, spec))["seccompProfile"] = unconfined
}

func injectRunAsRoot(r *rng, spec map[string]any) {
	delete(securityContextOf(spec), "runAsNonRoot")
	if r.chance(0.5) {
		securityContextOf(spec)["runAsUser"] = int64(0)
		for _, c := range allContainers(spec) {
			delete(securityContextOf(c), "runAsUser")
		}
		return
	}
	securityContextOf(randomContainer(r, spec))["runAsUser"] = int64(0)
}
