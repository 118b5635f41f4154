package podsecurity

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Legacy seccomp annotations, read by the seccompProfile_baseline check before v1.19.
const (
	seccompPodAnnotation       = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerAnnotation = "container.seccomp.security.alpha.kubernetes.io/"
)

func hostNamespaceOffences(spec *corev1.PodSpec) []offence {
	var out []offence
	for _, ns := range []struct {
		path string
		on   bool
	}{{pathHostNetwork, spec.HostNetwork}, {pathHostPID, spec.HostPID}, {pathHostIPC, spec.HostIPC}} {
		if ns.on {
			out = append(out, podOffence(ns.path, values("true")))
		}
	}
	return out
}

// hostPathOffences reports hostPath volumes with their path as value.
func hostPathOffences(spec *corev1.PodSpec) []offence {
	var out []offence
	for i := range spec.Volumes {
		if hp := spec.Volumes[i].HostPath; hp != nil {
			out = append(out, podOffence(pathVolumes+"hostPath", values(hp.Path)))
		}
	}
	return out
}

// volumeTypeOffences reports volumes whose source the restricted level forbids, one field per volume source.
func volumeTypeOffences(spec *corev1.PodSpec) []offence {
	var out []offence
	for i := range spec.Volumes {
		if source := restrictedVolumeSource(&spec.Volumes[i].VolumeSource); source != "" {
			out = append(out, podOffence(pathVolumes+source, nil))
		}
	}
	return out
}

// restrictedVolumeSource names the forbidden source of a volume, "unknown" for none, "" for an allowed one.
func restrictedVolumeSource(v *corev1.VolumeSource) string {
	switch {
	case v.ConfigMap != nil, v.CSI != nil, v.DownwardAPI != nil, v.EmptyDir != nil, v.Ephemeral != nil,
		v.Image != nil, v.PersistentVolumeClaim != nil, v.Projected != nil, v.Secret != nil:
		return ""
	}
	sources := []struct {
		name string
		set  bool
	}{
		{"hostPath", v.HostPath != nil}, {"gcePersistentDisk", v.GCEPersistentDisk != nil},
		{"awsElasticBlockStore", v.AWSElasticBlockStore != nil}, {"gitRepo", v.GitRepo != nil}, {"nfs", v.NFS != nil},
		{"iscsi", v.ISCSI != nil}, {"glusterfs", v.Glusterfs != nil}, {"rbd", v.RBD != nil},
		{"flexVolume", v.FlexVolume != nil}, {"cinder", v.Cinder != nil}, {"cephfs", v.CephFS != nil},
		{"flocker", v.Flocker != nil}, {"fc", v.FC != nil}, {"azureFile", v.AzureFile != nil},
		{"vsphereVolume", v.VsphereVolume != nil}, {"quobyte", v.Quobyte != nil}, {"azureDisk", v.AzureDisk != nil},
		{"photonPersistentDisk", v.PhotonPersistentDisk != nil}, {"portworxVolume", v.PortworxVolume != nil},
		{"scaleIO", v.ScaleIO != nil}, {"storageos", v.StorageOS != nil},
	}
	for _, s := range sources {
		if s.set {
			return s.name
		}
	}
	return "unknown"
}

// sysctlOffences reports the sysctls the check rejects at the rule's version.
func (c *compiledCheck) sysctlOffences(spec *corev1.PodSpec) []offence {
	if spec.SecurityContext == nil {
		return nil
	}
	var out []offence
	for _, sysctl := range spec.SecurityContext.Sysctls {
		probe := corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: sysctl.Name}}}}
		if c.fails(&metav1.ObjectMeta{}, &probe) {
			out = append(out, podOffence(pathSysctlName, values(sysctl.Name)))
		}
	}
	return out
}

// appArmorOffences reports profile types other than RuntimeDefault and Localhost and forbidden legacy annotations.
func appArmorOffences(meta *metav1.ObjectMeta, spec *corev1.PodSpec) []offence {
	var out []offence
	if sc := spec.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !allowedAppArmor(sc.AppArmorProfile.Type) {
		out = append(out, podOffence(pathPodAppArmor, values(string(sc.AppArmorProfile.Type))))
	}
	eachContainer(spec, func(kind containerKind, i int, c *corev1.Container) {
		if sc := c.SecurityContext; sc != nil && sc.AppArmorProfile != nil && !allowedAppArmor(sc.AppArmorProfile.Type) {
			out = append(out, containerOffence(kind, i, fieldAppArmor, values(string(sc.AppArmorProfile.Type))))
		}
	})
	for key, value := range meta.Annotations {
		if strings.HasPrefix(key, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) && value != "" &&
			value != corev1.DeprecatedAppArmorBetaProfileRuntimeDefault &&
			!strings.HasPrefix(value, corev1.DeprecatedAppArmorBetaProfileNamePrefix) {
			out = append(out, podOffence(annotationPath(key), values(value)))
		}
	}
	return out
}

func allowedAppArmor(t corev1.AppArmorProfileType) bool {
	return t == corev1.AppArmorProfileTypeRuntimeDefault || t == corev1.AppArmorProfileTypeLocalhost
}

func annotationPath(key string) string {
	return pathAnnotations + "[" + key + "]"
}

func validSeccomp(t corev1.SeccompProfileType) bool {
	return t == corev1.SeccompProfileTypeRuntimeDefault || t == corev1.SeccompProfileTypeLocalhost
}

// seccompBaselineOffences reports Unconfined (or unknown) profile types and, when the rule runs the pre-1.19
// revision, forbidden legacy seccomp annotations.
func (c *compiledCheck) seccompBaselineOffences(meta *metav1.ObjectMeta, spec *corev1.PodSpec) []offence {
	var out []offence
	if c.latest || c.minor >= 19 {
		if sc := spec.SecurityContext; sc != nil && sc.SeccompProfile != nil && !validSeccomp(sc.SeccompProfile.Type) {
			out = append(out, podOffence(pathPodSeccomp, values(string(sc.SeccompProfile.Type))))
		}
		eachContainer(spec, func(kind containerKind, i int, ctr *corev1.Container) {
			if sc := ctr.SecurityContext; sc != nil && sc.SeccompProfile != nil && !validSeccomp(sc.SeccompProfile.Type) {
				out = append(out, containerOffence(kind, i, fieldSeccomp, values(string(sc.SeccompProfile.Type))))
			}
		})
	}
	if c.latest {
		return out
	}
	keys := []string{seccompPodAnnotation}
	eachContainer(spec, func(_ containerKind, _ int, ctr *corev1.Container) {
		keys = append(keys, seccompContainerAnnotation+ctr.Name)
	})
	for _, key := range keys {
		if value, ok := meta.Annotations[key]; ok && !validSeccompAnnotation(value) {
			out = append(out, podOffence(annotationPath(key), values(value)))
		}
	}
	return out
}

func validSeccompAnnotation(v string) bool {
	return v == corev1.SeccompProfileRuntimeDefault || v == corev1.DeprecatedSeccompProfileDockerDefault ||
		strings.HasPrefix(v, corev1.SeccompLocalhostProfileNamePrefix)
}

// seccompRestrictedOffences reports bad profile types, and containers that set none while the pod sets no valid one.
func seccompRestrictedOffences(spec *corev1.PodSpec) []offence {
	var out []offence
	podSet := false
	if sc := spec.SecurityContext; sc != nil && sc.SeccompProfile != nil {
		podSet = validSeccomp(sc.SeccompProfile.Type)
		if !podSet {
			out = append(out, podOffence(pathPodSeccomp, values(string(sc.SeccompProfile.Type))))
		}
	}
	eachContainer(spec, func(kind containerKind, i int, c *corev1.Container) {
		switch sc := c.SecurityContext; {
		case sc != nil && sc.SeccompProfile != nil:
			if !validSeccomp(sc.SeccompProfile.Type) {
				out = append(out, containerOffence(kind, i, fieldSeccomp, values(string(sc.SeccompProfile.Type))))
			}
		case !podSet:
			out = append(out, containerOffence(kind, i, fieldSeccomp, nil))
		}
	})
	return out
}

// seLinuxOffences reports SELinux types the check rejects at the rule's version and any user or role.
func (c *compiledCheck) seLinuxOffences(spec *corev1.PodSpec) []offence {
	var out []offence
	report := func(opts *corev1.SELinuxOptions, field func(path string, vals []string) offence) {
		if opts.Type != "" && c.rejectsSELinuxType(opts.Type) {
			out = append(out, field(fieldSELinuxType, values(opts.Type)))
		}
		if opts.User != "" {
			out = append(out, field(fieldSELinuxUser, values(opts.User)))
		}
		if opts.Role != "" {
			out = append(out, field(fieldSELinuxRole, values(opts.Role)))
		}
	}
	if sc := spec.SecurityContext; sc != nil && sc.SELinuxOptions != nil {
		report(sc.SELinuxOptions, func(path string, vals []string) offence { return podOffence("spec."+path, vals) })
	}
	eachContainer(spec, func(kind containerKind, i int, ctr *corev1.Container) {
		if sc := ctr.SecurityContext; sc != nil && sc.SELinuxOptions != nil {
			report(sc.SELinuxOptions, func(path string, vals []string) offence {
				return containerOffence(kind, i, path, vals)
			})
		}
	})
	return out
}

func (c *compiledCheck) rejectsSELinuxType(t string) bool {
	probe := corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{SELinuxOptions: &corev1.SELinuxOptions{Type: t}}}
	return c.fails(&metav1.ObjectMeta{}, &probe)
}

func hostProcessOffences(spec *corev1.PodSpec) []offence {
	var out []offence
	if sc := spec.SecurityContext; sc != nil && sc.WindowsOptions != nil && isTrue(sc.WindowsOptions.HostProcess) {
		out = append(out, podOffence("spec."+fieldHostProcess, values("true")))
	}
	eachContainer(spec, func(kind containerKind, i int, c *corev1.Container) {
		if sc := c.SecurityContext; sc != nil && sc.WindowsOptions != nil && isTrue(sc.WindowsOptions.HostProcess) {
			out = append(out, containerOffence(kind, i, fieldHostProcess, values("true")))
		}
	})
	return out
}

// runAsNonRootOffences reports explicit false values, and containers that set nothing while the pod is not true.
func runAsNonRootOffences(spec *corev1.PodSpec) []offence {
	var out []offence
	podTrue := false
	if sc := spec.SecurityContext; sc != nil && sc.RunAsNonRoot != nil {
		podTrue = *sc.RunAsNonRoot
		if !podTrue {
			out = append(out, podOffence("spec."+fieldRunAsNonRoot, values("false")))
		}
	}
	eachContainer(spec, func(kind containerKind, i int, c *corev1.Container) {
		switch sc := c.SecurityContext; {
		case sc != nil && sc.RunAsNonRoot != nil:
			if !*sc.RunAsNonRoot {
				out = append(out, containerOffence(kind, i, fieldRunAsNonRoot, values("false")))
			}
		case !podTrue:
			out = append(out, containerOffence(kind, i, fieldRunAsNonRoot, nil))
		}
	})
	return out
}

func runAsUserOffences(spec *corev1.PodSpec) []offence {
	var out []offence
	if sc := spec.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
		out = append(out, podOffence("spec."+fieldRunAsUser, values("0")))
	}
	eachContainer(spec, func(kind containerKind, i int, c *corev1.Container) {
		if sc := c.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			out = append(out, containerOffence(kind, i, fieldRunAsUser, values("0")))
		}
	})
	return out
}

func isTrue(b *bool) bool { return b != nil && *b }
