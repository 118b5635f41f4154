package podsecurity

import (
	"fmt"
	"strings"
)

// containerKind tells where a restricted field lives: in the pod (spec or metadata) or in one of the container lists.
type containerKind uint8

const (
	kindPod containerKind = iota
	kindContainers
	kindInitContainers
	kindEphemeralContainers
)

// listName is the pod spec field of a container list.
func (k containerKind) listName() string {
	switch k {
	case kindContainers:
		return "containers"
	case kindInitContainers:
		return "initContainers"
	case kindEphemeralContainers:
		return "ephemeralContainers"
	}
	return ""
}

// Pod-level restricted fields, with list indexes written as [*] the way exclude[].restrictedField names them.
const (
	pathHostNetwork = "spec.hostNetwork"
	pathHostPID     = "spec.hostPID"
	pathHostIPC     = "spec.hostIPC"
	pathVolumes     = "spec.volumes[*]."
	pathSysctlName  = "spec.securityContext.sysctls[*].name"
	pathPodSeccomp  = "spec.securityContext.seccompProfile.type"
	pathPodAppArmor = "spec.securityContext.appArmorProfile.type"
	pathAnnotations = "metadata.annotations"
)

// Container-level restricted fields, relative to the container.
const (
	fieldPrivileged     = "securityContext.privileged"
	fieldPrivEscalation = "securityContext.allowPrivilegeEscalation"
	fieldCapAdd         = "securityContext.capabilities.add"
	fieldCapDrop        = "securityContext.capabilities.drop"
	fieldHostPort       = "ports[*].hostPort"
	fieldProcMount      = "securityContext.procMount"
	fieldHostProcess    = "securityContext.windowsOptions.hostProcess"
	fieldSELinuxType    = "securityContext.seLinuxOptions.type"
	fieldSELinuxUser    = "securityContext.seLinuxOptions.user"
	fieldSELinuxRole    = "securityContext.seLinuxOptions.role"
	fieldSeccomp        = "securityContext.seccompProfile.type"
	fieldAppArmor       = "securityContext.appArmorProfile.type"
	fieldRunAsNonRoot   = "securityContext.runAsNonRoot"
	fieldRunAsUser      = "securityContext.runAsUser"
)

// fieldRef names a restricted field without an index: a pod-level path, or a path relative to any container of a
// list (kind).
type fieldRef struct {
	kind containerKind
	path string
}

// parseRestrictedField reads an exclude[].restrictedField.
func parseRestrictedField(s string) (fieldRef, error) {
	if s == "" || strings.ContainsAny(s, " \t\n") {
		return fieldRef{}, fmt.Errorf("invalid field path %q", s)
	}
	for _, kind := range []containerKind{kindContainers, kindInitContainers, kindEphemeralContainers} {
		if rest, ok := strings.CutPrefix(s, "spec."+kind.listName()+"[*]."); ok {
			return fieldRef{kind: kind, path: rest}, nil
		}
	}
	return fieldRef{kind: kindPod, path: s}, nil
}

// offence is one field of a pod that makes a check fail, like an entry of the field error list Kyverno's checks
// return: the field, the container it belongs to (index into its list), and the forbidden values it holds (none
// when the field is missing but required).
type offence struct {
	field  fieldRef
	index  int
	values []string
}
