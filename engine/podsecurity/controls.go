package podsecurity

import "strings"

// Control names of the Pod Security Standards, as policies write them in exclude[].controlName.
const (
	controlHostProcess      = "HostProcess"
	controlHostNamespaces   = "Host Namespaces"
	controlPrivileged       = "Privileged Containers"
	controlCapabilities     = "Capabilities"
	controlHostPathVolumes  = "HostPath Volumes"
	controlHostPorts        = "Host Ports"
	controlHostProbes       = "Host Probes / Lifecycle Hooks"
	controlAppArmor         = "AppArmor"
	controlSELinux          = "SELinux"
	controlProcMount        = "/proc Mount Type"
	controlSeccomp          = "Seccomp"
	controlSysctls          = "Sysctls"
	controlVolumeTypes      = "Volume Types"
	controlPrivEscalation   = "Privilege Escalation"
	controlRunAsNonRoot     = "Running as Non-root"
	controlRunAsNonRootUser = "Running as Non-root user"
)

// checkIDsOf returns the PSA check IDs a control name stands for, or nil for an unknown name.
func checkIDsOf(control string) []string {
	switch control {
	case controlCapabilities:
		return []string{"capabilities_baseline", "capabilities_restricted"}
	case controlSeccomp:
		return []string{"seccompProfile_baseline", "seccompProfile_restricted"}
	case controlProcMount:
		return []string{"procMount", "procMount_restricted"}
	case controlPrivileged:
		return []string{"privileged"}
	case controlHostPorts:
		return []string{"hostPorts"}
	case controlHostProbes:
		return []string{"hostProbesAndHostLifecycle"}
	case controlHostProcess:
		return []string{"windowsHostProcess"}
	case controlSELinux:
		return []string{"seLinuxOptions"}
	case controlHostNamespaces:
		return []string{"hostNamespaces"}
	case controlHostPathVolumes:
		return []string{"hostPathVolumes"}
	case controlSysctls:
		return []string{"sysctls"}
	case controlAppArmor:
		return []string{"appArmorProfile"}
	case controlPrivEscalation:
		return []string{"allowPrivilegeEscalation"}
	case controlRunAsNonRoot:
		return []string{"runAsNonRoot"}
	case controlRunAsNonRootUser:
		return []string{"runAsUser"}
	case controlVolumeTypes:
		return []string{"restrictedVolumes"}
	}
	return nil
}

// controlOf names the control a PSA check belongs to; an unknown check keeps its ID.
func controlOf(checkID string) string {
	for _, control := range controlNames() {
		for _, id := range checkIDsOf(control) {
			if id == checkID {
				return control
			}
		}
	}
	return checkID
}

// controlNames lists every control name a policy may exclude.
func controlNames() []string {
	return []string{controlHostProcess, controlHostNamespaces, controlPrivileged, controlCapabilities,
		controlHostPathVolumes, controlHostPorts, controlHostProbes, controlAppArmor, controlSELinux, controlProcMount,
		controlSeccomp, controlSysctls, controlVolumeTypes, controlPrivEscalation, controlRunAsNonRoot,
		controlRunAsNonRootUser}
}

// isContainerLevelControl reports controls whose fields are all per container: excluding them needs images.
func isContainerLevelControl(control string) bool {
	switch control {
	case controlCapabilities, controlPrivileged, controlHostPorts, controlProcMount, controlPrivEscalation,
		controlHostProbes:
		return true
	}
	return false
}

// isPodLevelControl reports controls whose fields are all at the pod level: excluding them takes no images.
func isPodLevelControl(control string) bool {
	switch control {
	case controlHostNamespaces, controlHostPathVolumes, controlSysctls, controlVolumeTypes:
		return true
	}
	return false
}

// isRestrictedOnlyControl reports controls of the restricted level that a baseline rule cannot exclude.
func isRestrictedOnlyControl(control string) bool {
	switch control {
	case controlVolumeTypes, controlPrivEscalation, controlRunAsNonRoot, controlRunAsNonRootUser:
		return true
	}
	return false
}

// knownField reports whether a restricted field belongs to a PSA check.
func knownField(checkID string, f fieldRef) bool {
	if f.kind == kindPod {
		return knownPodField(checkID, f.path)
	}
	for _, suffix := range containerFields(checkID) {
		if suffix == f.path {
			return true
		}
	}
	return false
}

// knownPodField reports whether a pod-level or metadata path is restricted by a PSA check.
func knownPodField(checkID, path string) bool {
	switch checkID {
	case "hostNamespaces":
		return path == pathHostNetwork || path == pathHostPID || path == pathHostIPC
	case "hostPathVolumes":
		return path == pathVolumes+"hostPath"
	case "restrictedVolumes":
		rest, ok := strings.CutPrefix(path, pathVolumes)
		return ok && isRestrictedVolumeType(rest)
	case "sysctls":
		return path == pathSysctlName
	case "seccompProfile_baseline":
		return path == pathPodSeccomp || isAnnotationPath(path)
	case "appArmorProfile":
		return path == pathPodAppArmor || isAnnotationPath(path)
	}
	for _, suffix := range containerFields(checkID) {
		if path == "spec."+suffix && podLevelToo(checkID) {
			return true
		}
	}
	return false
}

// podLevelToo reports checks whose container field also exists in the pod's securityContext.
func podLevelToo(checkID string) bool {
	switch checkID {
	case "windowsHostProcess", "seLinuxOptions", "seccompProfile_restricted", "runAsNonRoot", "runAsUser":
		return true
	}
	return false
}

func isAnnotationPath(path string) bool {
	return strings.HasPrefix(path, pathAnnotations+"[") && strings.HasSuffix(path, "]")
}

// containerFields lists, per check, the restricted fields relative to a container.
func containerFields(checkID string) []string {
	switch checkID {
	case "privileged":
		return []string{fieldPrivileged}
	case "allowPrivilegeEscalation":
		return []string{fieldPrivEscalation}
	case "capabilities_baseline":
		return []string{fieldCapAdd}
	case "capabilities_restricted":
		return []string{fieldCapAdd, fieldCapDrop}
	case "hostPorts":
		return []string{fieldHostPort}
	case "procMount", "procMount_restricted":
		return []string{fieldProcMount}
	case "windowsHostProcess":
		return []string{fieldHostProcess}
	case "seLinuxOptions":
		return []string{fieldSELinuxType, fieldSELinuxUser, fieldSELinuxRole}
	case "seccompProfile_baseline", "seccompProfile_restricted":
		return []string{fieldSeccomp}
	case "appArmorProfile":
		return []string{fieldAppArmor}
	case "runAsNonRoot":
		return []string{fieldRunAsNonRoot}
	case "runAsUser":
		return []string{fieldRunAsUser}
	case "hostProbesAndHostLifecycle":
		return hostFields()
	}
	return nil
}

// hostFields lists the host fields of every probe and lifecycle handler of a container.
func hostFields() []string {
	handlers := []string{"livenessProbe", "readinessProbe", "startupProbe", "lifecycle.postStart", "lifecycle.preStop"}
	fields := make([]string, 0, 2*len(handlers))
	for _, h := range handlers {
		fields = append(fields, h+".httpGet.host", h+".tcpSocket.host")
	}
	return fields
}

// isRestrictedVolumeType reports the volume sources the restricted level forbids.
func isRestrictedVolumeType(name string) bool {
	switch name {
	case "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd",
		"flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk",
		"portworxVolume", "photonPersistentDisk", "scaleIO", "storageos", "unknown":
		return true
	}
	return false
}
