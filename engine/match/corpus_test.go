package match

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// TestCorpusBlocks replays match and exclude blocks of the conformance corpus
// (/work/shared/conformance/kyverno-policies, path in each row) against
// resources like the ones of their kyverno-test suites.
func TestCorpusBlocks(t *testing.T) {
	clusterAdmin := UserInfo{Username: "kubernetes-admin", Groups: []string{"system:masters"},
		ClusterRoles: []string{"cluster-admin"}}
	privileged := labeled("pod-security.kubernetes.io/enforce", "privileged")
	// psa/deny-privileged-profile
	denyPrivilegedMatch := anyOf(Filter{Kinds: []string{"Namespace"},
		Selector: matchLabels("pod-security.kubernetes.io/enforce", "privileged")})
	denyPrivilegedExclude := anyOf(Filter{ClusterRoles: []string{"cluster-admin"}})
	// traefik/disallow-default-tlsoptions: exclude in the legacy top-level form.
	tlsOptionMatch := anyOf(Filter{Names: []string{"default"}, Kinds: []string{"TLSOption"}})
	tlsOptionExclude := allOf(Filter{ClusterRoles: []string{"cluster-admin"}})
	tlsOption := gv("traefik.io", "v1alpha1")
	// flux-cel/verify-flux-sources
	gitRepoMatch := anyOf(Filter{Kinds: []string{"GitRepository"}, Operations: []string{"CREATE", "UPDATE"}})
	fluxSystemExclude := anyOf(Filter{Namespaces: []string{"flux-system"}})
	gitRepo := gv("source.toolkit.fluxcd.io", "v1")
	// istio/add-ambient-mode-namespace
	istioExclude := anyOf(Filter{Names: []string{"kube-system", "istio-system"}})
	// other/restrict-networkpolicy-empty-podselector
	netpolExclude := anyOf(Filter{Kinds: []string{"NetworkPolicy"}, Names: []string{"default-deny"}})
	netpol := gv("networking.k8s.io", "v1")
	// other/block-updates-deletes
	protectedService := anyOf(Filter{Kinds: []string{"Service"}, Selector: matchLabels("protected", "true")})
	// kasten/kasten-3-2-1-backup
	kastenMatch := anyOf(kinds("config.kio.kasten.io/v1alpha1/Policy"))
	kastenExclude := anyOf(Filter{Operations: []string{"DELETE"}})
	// velero/backup-all-volumes (namespace labels from values.yaml)
	veleroMatch := anyOf(Filter{Kinds: []string{"Pod"}, NamespaceSelector: matchLabels("velero-backup-pvc", "true")})
	// other/add-pod-priorityclassname
	priorityMatch := anyOf(Filter{Kinds: []string{"Deployment", "DaemonSet", "StatefulSet", "Job"},
		NamespaceSelector: expr("env", metav1.LabelSelectorOpNotIn, "production")})
	// best-practices-cel/check-deprecated-apis
	v125Removals := anyOf(kinds("batch/*/CronJob", "discovery.k8s.io/*/EndpointSlice", "events.k8s.io/*/Event",
		"policy/*/PodDisruptionBudget", "policy/*/PodSecurityPolicy", "node.k8s.io/*/RuntimeClass"))
	// other/limit-configmap-for-sa
	configMapForSA := anyOf(kinds("ConfigMap"), Filter{Kinds: []string{"ConfigMap"},
		Subjects: []Subject{{Kind: "ServiceAccount", Name: "another-developer", Namespace: "another-namespace"}}})

	runMatchCases(t, []matchCase{
		{name: "psa privileged namespace matched", criteria: denyPrivilegedMatch,
			resource: res("Namespace", clusterScoped("privileged-ns"), privileged), wantMatch: true, wantExclude: true},
		{name: "psa baseline namespace not matched", criteria: denyPrivilegedMatch,
			resource: res("Namespace", clusterScoped("baseline-ns"), labeled("pod-security.kubernetes.io/enforce", "baseline"))},
		{name: "psa exclude cluster-admin", criteria: denyPrivilegedExclude,
			resource: res("Namespace", clusterScoped("p"), privileged, by(clusterAdmin)), wantMatch: true, wantExclude: true},
		{name: "psa exclude other user", criteria: denyPrivilegedExclude, resource: res("Namespace", clusterScoped("p"), privileged)},
		{name: "psa exclude in background", criteria: denyPrivilegedExclude,
			resource: res("Namespace", clusterScoped("p"), privileged, background)},
		same("traefik default TLSOption", tlsOptionMatch, res("TLSOption", tlsOption, named("default", "default")), true),
		same("traefik other TLSOption", tlsOptionMatch, res("TLSOption", tlsOption, named("default", "mytlsoption")), false),
		same("traefik legacy exclude cluster-admin", tlsOptionExclude, res("TLSOption", tlsOption, by(clusterAdmin)), true),
		same("flux GitRepository created", gitRepoMatch, res("GitRepository", gitRepo), true),
		same("flux GitRepository deleted", gitRepoMatch, res("GitRepository", gitRepo, op("DELETE")), false),
		same("flux-system excluded", fluxSystemExclude, res("GitRepository", gitRepo, named("flux-system", "flux-system")), true),
		same("flux other namespace not excluded", fluxSystemExclude, res("GitRepository", gitRepo), false),
		same("istio kube-system excluded", istioExclude, res("Namespace", clusterScoped("kube-system")), true),
		same("istio test namespace kept", istioExclude, res("Namespace", clusterScoped("istio-test-en-ns")), false),
		same("netpol default-deny excluded", netpolExclude, res("NetworkPolicy", netpol, named("default", "default-deny")), true),
		same("netpol other kept", netpolExclude, res("NetworkPolicy", netpol, named("default", "allow-web")), false),
		same("protected service", protectedService,
			res("Service", named("default", "my-service-2"), labeled("protected", "true")), true),
		same("unprotected service", protectedService,
			res("Service", named("default", "my-service-1"), labeled("protected", "false")), false),
		same("kasten policy", kastenMatch, res("Policy", gv("config.kio.kasten.io", "v1alpha1")), true),
		same("kyverno Policy is not a kasten policy", kastenMatch, res("Policy", gv("kyverno.io", "v1")), false),
		same("kasten delete excluded", kastenExclude, res("Policy", gv("config.kio.kasten.io", "v1alpha1"), op("DELETE")), true),
		same("velero labelled namespace", veleroMatch, res("Pod", named("foo", "first"), nsLabeled("velero-backup-pvc", "true")), true),
		same("velero unlabelled namespace", veleroMatch, res("Pod", named("bar", "first"), nsLabeled("env", "foo")), false),
		same("priority class outside production", priorityMatch,
			res("Deployment", gv("apps", "v1"), named("foo", "blank"), nsLabeled("env", "foo")), true),
		same("priority class in production", priorityMatch,
			res("Deployment", gv("apps", "v1"), named("production", "second"), nsLabeled("env", "production")), false),
		same("deprecated PDB", v125Removals, res("PodDisruptionBudget", gv("policy", "v1beta1")), true),
		same("deprecated CronJob", v125Removals, res("CronJob", gv("batch", "v1beta1")), true),
		same("core Event is not events.k8s.io", v125Removals, res("Event"), false),
		same("configmap by anyone", configMapForSA, res("ConfigMap", named("any-namespace", "any-configmap-name-good")), true),
		same("configmap in background", configMapForSA, res("ConfigMap", background), true),
	})
}
