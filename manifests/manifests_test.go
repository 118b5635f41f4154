package manifests_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"k8s.io/utils/ptr"

	"github.com/bylaw-dev/bylaw/server"
)

const (
	bylawNamespace = "bylaw-system"
	bylawName      = "bylaw"
)

func TestKustomizationsResolve(t *testing.T) {
	tests := []struct {
		dir         string
		listsFolder bool // every YAML file of the folder must be a resource
	}{
		{dir: defaultDir},
		{dir: "crds", listsFolder: true},
		{dir: "rbac", listsFolder: true},
		{dir: "deploy", listsFolder: true},
	}
	for _, tt := range tests {
		t.Run(tt.dir, func(t *testing.T) {
			k, err := readKustomization(tt.dir)
			require.NoError(t, err)
			require.NotEmpty(t, k.Resources)
			for _, resource := range k.Resources {
				info, err := os.Stat(filepath.Join(tt.dir, resource))
				require.NoErrorf(t, err, "resource %q", resource)
				if info.IsDir() {
					assert.FileExistsf(t, filepath.Join(tt.dir, resource, kustomizationFile), "resource %q", resource)
				}
			}
			if tt.listsFolder {
				files, err := filepath.Glob(filepath.Join(tt.dir, "*.yaml"))
				require.NoError(t, err)
				var names []string
				for _, file := range files {
					if name := filepath.Base(file); name != kustomizationFile {
						names = append(names, name)
					}
				}
				assert.ElementsMatch(t, names, k.Resources, "the resources must be exactly the folder's YAML files")
			}
		})
	}
}

func TestDefaultKustomization(t *testing.T) {
	k, err := readKustomization(defaultDir)
	require.NoError(t, err)
	assert.Equal(t, bylawNamespace, k.Namespace)
	assert.Equal(t, []string{"../crds", "../crds/wgpolicyk8s", "../rbac", "../deploy"}, k.Resources)
	require.Len(t, k.Labels, 1)
	assert.Equal(t, map[string]string{"app.kubernetes.io/name": bylawName, "app.kubernetes.io/part-of": bylawName}, k.Labels[0].Pairs)
	assert.False(t, k.Labels[0].IncludeSelectors, "selectors are written in the manifests; labels must not change them")
}

func TestObjectsInventoryAndNamespaces(t *testing.T) {
	objects := renderDefault(t)
	want := []string{
		"CustomResourceDefinition/clusterpolicies.bylaw.dev", "CustomResourceDefinition/gitsources.bylaw.dev",
		"CustomResourceDefinition/policies.bylaw.dev", "CustomResourceDefinition/generaterequests.bylaw.dev",
		"CustomResourceDefinition/policyexceptions.bylaw.dev",
		"CustomResourceDefinition/reportsinks.bylaw.dev", "CustomResourceDefinition/auditresults.bylaw.dev",
		"CustomResourceDefinition/validatingpolicies.policies.kyverno.io",
		"CustomResourceDefinition/namespacedvalidatingpolicies.policies.kyverno.io",
		"CustomResourceDefinition/policyexceptions.policies.kyverno.io",
		"CustomResourceDefinition/deletingpolicies.policies.kyverno.io",
		"CustomResourceDefinition/namespaceddeletingpolicies.policies.kyverno.io",
		"CustomResourceDefinition/generatingpolicies.policies.kyverno.io",
		"CustomResourceDefinition/namespacedgeneratingpolicies.policies.kyverno.io",
		"CustomResourceDefinition/mutatingpolicies.policies.kyverno.io",
		"CustomResourceDefinition/namespacedmutatingpolicies.policies.kyverno.io",
		"CustomResourceDefinition/policyreports.wgpolicyk8s.io", "CustomResourceDefinition/clusterpolicyreports.wgpolicyk8s.io",
		"ServiceAccount/bylaw", "ClusterRole/bylaw", "ClusterRoleBinding/bylaw", "ClusterRole/bylaw-metrics-reader", "ClusterRole/bylaw:view",
		"ClusterRoleBinding/bylaw:view", "Role/bylaw", "RoleBinding/bylaw",
		"ClusterRole/bylaw:generate", "ClusterRole/bylaw:generate-default", "ClusterRoleBinding/bylaw:generate",
		"ClusterRole/bylaw:cleanup", "ClusterRole/bylaw:cleanup-default", "ClusterRoleBinding/bylaw:cleanup",
		"ServiceAccount/bylaw-context", "ClusterRole/bylaw-context", "ClusterRoleBinding/bylaw-context",
		"Namespace/bylaw-system", "Deployment/bylaw", "Service/bylaw-webhook", "Service/bylaw-metrics",
		"PodDisruptionBudget/bylaw", "NetworkPolicy/bylaw",
	}
	var got []string
	for _, obj := range objects {
		got = append(got, obj.kind+"/"+obj.name)
		if kinds()[obj.kind].namespaced {
			assert.Equalf(t, bylawNamespace, obj.namespace, "namespaced %s %q (%s)", obj.kind, obj.name, obj.source)
		} else {
			assert.Emptyf(t, obj.namespace, "cluster-scoped %s %q (%s)", obj.kind, obj.name, obj.source)
		}
	}
	assert.ElementsMatch(t, want, got)
}

func TestNamespaceEnforcesRestricted(t *testing.T) {
	ns := find[corev1.Namespace](t, renderDefault(t), "Namespace", bylawNamespace)
	assert.Equal(t, "restricted", ns.Labels["pod-security.kubernetes.io/enforce"])
	assert.Equal(t, "latest", ns.Labels["pod-security.kubernetes.io/enforce-version"])
}

func TestPodMeetsRestrictedPodSecurityStandard(t *testing.T) {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	require.NoError(t, err)
	level := api.LevelVersion{Level: api.LevelRestricted, Version: api.LatestVersion()}
	deployment := find[appsv1.Deployment](t, renderDefault(t), "Deployment", bylawName)
	tests := []struct {
		name    string
		mutate  func(spec *corev1.PodSpec) // a violation, to show the check can fail
		allowed bool
	}{
		{name: "as shipped", mutate: func(*corev1.PodSpec) {}, allowed: true},
		{name: "privilege escalation", allowed: false, mutate: func(spec *corev1.PodSpec) {
			spec.Containers[0].SecurityContext.AllowPrivilegeEscalation = ptr.To(true)
		}},
		{name: "capabilities kept", allowed: false, mutate: func(spec *corev1.PodSpec) {
			spec.Containers[0].SecurityContext.Capabilities = nil
		}},
		{name: "root user", allowed: false, mutate: func(spec *corev1.PodSpec) {
			spec.Containers[0].SecurityContext.RunAsUser = ptr.To[int64](0)
		}},
		{name: "no seccomp profile", allowed: false, mutate: func(spec *corev1.PodSpec) {
			spec.SecurityContext.SeccompProfile = nil
			spec.Containers[0].SecurityContext.SeccompProfile = nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := deployment.Spec.Template.Spec.DeepCopy()
			tt.mutate(spec)
			result := policy.AggregateCheckResults(evaluator.EvaluatePod(level, &deployment.Spec.Template.ObjectMeta, spec))
			assert.Equal(t, tt.allowed, result.Allowed, result.ForbiddenDetail())
		})
	}
}

func TestContainerHardening(t *testing.T) {
	deployment := find[appsv1.Deployment](t, renderDefault(t), "Deployment", bylawName)
	spec := deployment.Spec.Template.Spec
	require.Len(t, spec.Containers, 1)
	require.Empty(t, spec.InitContainers)
	c := spec.Containers[0]
	require.NotNil(t, c.SecurityContext)
	sc := c.SecurityContext
	assert.Equal(t, ptr.To(true), sc.RunAsNonRoot)
	assert.Equal(t, ptr.To[int64](65532), sc.RunAsUser)
	assert.Equal(t, ptr.To(true), sc.ReadOnlyRootFilesystem)
	assert.Equal(t, ptr.To(false), sc.AllowPrivilegeEscalation)
	require.NotNil(t, sc.Capabilities)
	assert.Equal(t, []corev1.Capability{"ALL"}, sc.Capabilities.Drop)
	assert.Empty(t, sc.Capabilities.Add)
	require.NotNil(t, sc.SeccompProfile)
	assert.Equal(t, corev1.SeccompProfileTypeRuntimeDefault, sc.SeccompProfile.Type)
	for _, name := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
		assert.Containsf(t, c.Resources.Requests, name, "request of %s", name)
		assert.Containsf(t, c.Resources.Limits, name, "limit of %s", name)
	}
	assert.Contains(t, c.VolumeMounts, corev1.VolumeMount{Name: "tmp", MountPath: "/tmp"})
	tmp := slices.IndexFunc(spec.Volumes, func(v corev1.Volume) bool { return v.Name == "tmp" })
	require.NotEqual(t, -1, tmp, "no tmp volume")
	assert.NotNil(t, spec.Volumes[tmp].EmptyDir, "tmp must be an emptyDir")
}

func TestDeployment(t *testing.T) {
	deployment := find[appsv1.Deployment](t, renderDefault(t), "Deployment", bylawName)
	spec := deployment.Spec.Template.Spec
	assert.Equal(t, ptr.To[int32](3), deployment.Spec.Replicas)
	assert.True(t, selects(deployment.Spec.Selector.MatchLabels, deployment.Spec.Template.Labels))
	assert.Equal(t, bylawName, spec.ServiceAccountName)
	require.NotNil(t, spec.Affinity)
	require.NotNil(t, spec.Affinity.PodAntiAffinity)
	terms := spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution
	require.Len(t, terms, 1)
	assert.Equal(t, "kubernetes.io/hostname", terms[0].PodAffinityTerm.TopologyKey)
	assert.True(t, selects(terms[0].PodAffinityTerm.LabelSelector.MatchLabels, deployment.Spec.Template.Labels))

	c := spec.Containers[0]
	assert.Equal(t, "ghcr.io/bylaw-dev/bylaw:latest", c.Image)
	assert.Equal(t, []string{"/bylaw", "serve"}, c.Command)
	for name, field := range map[string]string{"POD_NAMESPACE": "metadata.namespace", "POD_NAME": "metadata.name",
		"POD_UID": "metadata.uid"} {
		assert.Contains(t, c.Env, corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{
			FieldRef: &corev1.ObjectFieldSelector{FieldPath: field},
		}})
	}
	probes := []struct {
		probe *corev1.Probe
		path  string
	}{{c.LivenessProbe, "/healthz"}, {c.ReadinessProbe, "/readyz"}}
	for _, p := range probes {
		require.NotNil(t, p.probe, p.path)
		require.NotNil(t, p.probe.HTTPGet, p.path)
		assert.Equal(t, p.path, p.probe.HTTPGet.Path)
		assert.Equal(t, int32(8081), containerPort(t, c, p.probe.HTTPGet.Port), p.path)
	}
}

// selects tells whether every label of the selector is on the object.
func selects(selector, labels map[string]string) bool {
	if len(selector) == 0 {
		return false
	}
	for key, value := range selector {
		if labels[key] != value {
			return false
		}
	}
	return true
}

// containerPort resolves a numeric or named port of the container, or fails the test.
func containerPort(t *testing.T, c corev1.Container, port intstr.IntOrString) int32 {
	t.Helper()
	if port.Type == intstr.Int {
		return port.IntVal
	}
	for _, p := range c.Ports {
		if p.Name == port.StrVal {
			return p.ContainerPort
		}
	}
	require.Failf(t, "unknown port", "container %s has no port named %q", c.Name, port.StrVal)
	return 0
}

// serveFlags are the flags of `bylaw serve`, read from the options the binary binds, so the manifests cannot name a
// flag the binary does not have.
func serveFlags() []string {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	o := server.DefaultOptions()
	o.AddFlags(fs)
	var names []string
	fs.VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
	return names
}

// parseServeArgs parses --flag=value arguments, refusing flags `bylaw serve` does not have and repeated flags.
func parseServeArgs(args []string) (map[string]string, []string) {
	values := map[string]string{}
	var problems []string
	for _, arg := range args {
		name, value, ok := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
		_, repeated := values[name]
		switch {
		case !strings.HasPrefix(arg, "--") || !ok:
			problems = append(problems, arg+": not in the form --flag=value")
		case !slices.Contains(serveFlags(), name):
			problems = append(problems, arg+": bylaw serve has no flag --"+name)
		case repeated:
			problems = append(problems, arg+": repeated")
		default:
			values[name] = value
		}
	}
	return values, problems
}

func TestParseServeArgsRefusesUnknownFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "misspelled", args: []string{"--webhook-prot=9443"}},
		{name: "not a serve flag", args: []string{"--zap-log-level=debug"}},
		{name: "single dash", args: []string{"-namespace=x"}},
		{name: "value as a separate argument", args: []string{"--namespace", "x"}},
		{name: "repeated", args: []string{"--namespace=a", "--namespace=b"}},
		{name: "repeated empty", args: []string{"--webhook-host=", "--webhook-host="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, problems := parseServeArgs(tt.args)
			assert.NotEmpty(t, problems)
		})
	}
}

func TestContainerArgsUseOnlyServeFlags(t *testing.T) {
	objects := renderDefault(t)
	c := find[appsv1.Deployment](t, objects, "Deployment", bylawName).Spec.Template.Spec.Containers[0]
	values, problems := parseServeArgs(c.Args)
	assert.Empty(t, problems)
	webhook := find[corev1.Service](t, objects, "Service", "bylaw-webhook")
	want := map[string]string{
		"namespace":                 "$(POD_NAMESPACE)",
		"exception-namespaces":      "$(POD_NAMESPACE)",
		"webhook-port":              "9443",
		"webhook-service":           webhook.Name,
		"metrics-bind-address":      ":8443",
		"metrics-secure":            "true",
		"health-probe-bind-address": ":8081",
		"leader-elect":              "true",
		"context-service-account":   find[corev1.ServiceAccount](t, objects, "ServiceAccount", contextName).Name,
		// The monitor Lease is named after the Pod and owned by it.
		"replica-name":    "$(POD_NAME)",
		"replica-pod-uid": "$(POD_UID)",
	}
	for flag, value := range want {
		assert.Equalf(t, value, values[flag], "--%s", flag)
	}
	assert.NotContains(t, values, "kubeconfig", "in the cluster Bylaw uses its ServiceAccount")
	assert.NotContains(t, values, "webhook-url", "in the cluster the API server calls the Service")
	assert.Equal(t, int32(9443), containerPort(t, c, intstr.FromString("webhook")))
	assert.NotContains(t, values, "metrics-cert-dir", "a self-signed certificate unless an overlay mounts one")
	assert.Equal(t, int32(8443), containerPort(t, c, intstr.FromString("metrics")))
	assert.Equal(t, int32(8081), containerPort(t, c, intstr.FromString("health")))
}
