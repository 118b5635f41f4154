package podsecurity

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// offencesOf lists the fields of a pod that make a check fail, in the shape of the field error list Kyverno's
// checks return. It is called only for checks the PSA functions reject; values that depend on the policy version
// (allowed sysctls, SELinux types, capabilities) are judged by probing the check itself with one value at a time.
func (c *compiledCheck) offencesOf(meta *metav1.ObjectMeta, spec *corev1.PodSpec) []offence {
	switch c.id {
	case "hostNamespaces":
		return hostNamespaceOffences(spec)
	case "hostPathVolumes":
		return hostPathOffences(spec)
	case "restrictedVolumes":
		return volumeTypeOffences(spec)
	case "sysctls":
		return c.sysctlOffences(spec)
	case "appArmorProfile":
		return appArmorOffences(meta, spec)
	case "seccompProfile_baseline":
		return c.seccompBaselineOffences(meta, spec)
	case "seccompProfile_restricted":
		return seccompRestrictedOffences(spec)
	case "seLinuxOptions":
		return c.seLinuxOffences(spec)
	case "windowsHostProcess":
		return hostProcessOffences(spec)
	case "runAsNonRoot":
		return runAsNonRootOffences(spec)
	case "runAsUser":
		return runAsUserOffences(spec)
	}
	return c.containerOffences(spec)
}

// containerOffences handles the checks whose fields are all per container.
func (c *compiledCheck) containerOffences(spec *corev1.PodSpec) []offence {
	var out []offence
	eachContainer(spec, func(kind containerKind, i int, ctr *corev1.Container) {
		switch c.id {
		case "privileged":
			out = appendPrivileged(out, kind, i, ctr)
		case "allowPrivilegeEscalation":
			out = appendPrivEscalation(out, kind, i, ctr)
		case "capabilities_baseline":
			out = c.appendBaselineCapabilities(out, kind, i, ctr)
		case "capabilities_restricted":
			out = appendRestrictedCapabilities(out, kind, i, ctr)
		case "hostPorts":
			out = appendHostPorts(out, kind, i, ctr)
		case "procMount", "procMount_restricted":
			out = appendProcMount(out, kind, i, ctr)
		case "hostProbesAndHostLifecycle":
			out = appendProbeHosts(out, kind, i, ctr)
		}
	})
	return out
}

// eachContainer visits init containers, containers and ephemeral containers, in the order PSA does.
func eachContainer(spec *corev1.PodSpec, visit func(kind containerKind, i int, c *corev1.Container)) {
	for i := range spec.InitContainers {
		visit(kindInitContainers, i, &spec.InitContainers[i])
	}
	for i := range spec.Containers {
		visit(kindContainers, i, &spec.Containers[i])
	}
	for i := range spec.EphemeralContainers {
		visit(kindEphemeralContainers, i, (*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon))
	}
}

// values renders one offending value; Kyverno ignores empty ones.
func values(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

func podOffence(path string, vals []string) offence {
	return offence{field: fieldRef{kind: kindPod, path: path}, index: -1, values: vals}
}

func containerOffence(kind containerKind, i int, path string, vals []string) offence {
	return offence{field: fieldRef{kind: kind, path: path}, index: i, values: vals}
}

func appendPrivileged(out []offence, kind containerKind, i int, c *corev1.Container) []offence {
	if sc := c.SecurityContext; sc != nil && sc.Privileged != nil && *sc.Privileged {
		out = append(out, containerOffence(kind, i, fieldPrivileged, values("true")))
	}
	return out
}

// appendPrivEscalation reports a missing securityContext without value, an unset field as "nil" and true as "true",
// as Kyverno's field errors do.
func appendPrivEscalation(out []offence, kind containerKind, i int, c *corev1.Container) []offence {
	sc := c.SecurityContext
	switch {
	case sc == nil:
		out = append(out, containerOffence(kind, i, fieldPrivEscalation, nil))
	case sc.AllowPrivilegeEscalation == nil:
		out = append(out, containerOffence(kind, i, fieldPrivEscalation, values("nil")))
	case *sc.AllowPrivilegeEscalation:
		out = append(out, containerOffence(kind, i, fieldPrivEscalation, values("true")))
	}
	return out
}

// appendBaselineCapabilities reports the added capabilities the baseline check rejects.
func (c *compiledCheck) appendBaselineCapabilities(out []offence, kind containerKind, i int, ctr *corev1.Container) []offence {
	sc := ctr.SecurityContext
	if sc == nil || sc.Capabilities == nil {
		return out
	}
	var bad []string
	for _, capability := range sc.Capabilities.Add {
		probe := corev1.PodSpec{Containers: []corev1.Container{{SecurityContext: &corev1.SecurityContext{
			Capabilities: &corev1.Capabilities{Add: []corev1.Capability{capability}}}}}}
		if c.fails(&metav1.ObjectMeta{}, &probe) {
			bad = append(bad, string(capability))
		}
	}
	if len(bad) > 0 {
		out = append(out, containerOffence(kind, i, fieldCapAdd, bad))
	}
	return out
}

// appendRestrictedCapabilities reports a drop list without ALL and added capabilities other than NET_BIND_SERVICE.
func appendRestrictedCapabilities(out []offence, kind containerKind, i int, c *corev1.Container) []offence {
	sc := c.SecurityContext
	if sc == nil || sc.Capabilities == nil {
		return append(out, containerOffence(kind, i, fieldCapDrop, nil))
	}
	dropsAll := false
	var dropped []string
	for _, capability := range sc.Capabilities.Drop {
		dropsAll = dropsAll || capability == "ALL"
		dropped = append(dropped, string(capability))
	}
	if !dropsAll {
		out = append(out, containerOffence(kind, i, fieldCapDrop, dropped))
	}
	var added []string
	for _, capability := range sc.Capabilities.Add {
		if capability != "NET_BIND_SERVICE" {
			added = append(added, string(capability))
		}
	}
	if len(added) > 0 {
		out = append(out, containerOffence(kind, i, fieldCapAdd, added))
	}
	return out
}

func appendHostPorts(out []offence, kind containerKind, i int, c *corev1.Container) []offence {
	for _, port := range c.Ports {
		if port.HostPort != 0 {
			out = append(out, containerOffence(kind, i, fieldHostPort, values(strconv.Itoa(int(port.HostPort)))))
		}
	}
	return out
}

func appendProcMount(out []offence, kind containerKind, i int, c *corev1.Container) []offence {
	if sc := c.SecurityContext; sc != nil && sc.ProcMount != nil && *sc.ProcMount != corev1.DefaultProcMount {
		out = append(out, containerOffence(kind, i, fieldProcMount, values(string(*sc.ProcMount))))
	}
	return out
}

// appendProbeHosts reports every probe and lifecycle handler that sets a host.
func appendProbeHosts(out []offence, kind containerKind, i int, c *corev1.Container) []offence {
	add := func(handler string, http *corev1.HTTPGetAction, tcp *corev1.TCPSocketAction) {
		if http != nil && http.Host != "" {
			out = append(out, containerOffence(kind, i, handler+".httpGet.host", values(http.Host)))
		}
		if tcp != nil && tcp.Host != "" {
			out = append(out, containerOffence(kind, i, handler+".tcpSocket.host", values(tcp.Host)))
		}
	}
	probes := []struct {
		name  string
		probe *corev1.Probe
	}{{"livenessProbe", c.LivenessProbe}, {"readinessProbe", c.ReadinessProbe}, {"startupProbe", c.StartupProbe}}
	for _, p := range probes {
		if p.probe != nil {
			add(p.name, p.probe.HTTPGet, p.probe.TCPSocket)
		}
	}
	if c.Lifecycle != nil {
		if h := c.Lifecycle.PostStart; h != nil {
			add("lifecycle.postStart", h.HTTPGet, h.TCPSocket)
		}
		if h := c.Lifecycle.PreStop; h != nil {
			add("lifecycle.preStop", h.HTTPGet, h.TCPSocket)
		}
	}
	return out
}
