package kyvernotest

// clusterScopedKinds are the built-in kinds that have no namespace. Objects of other kinds are taken as namespaced.
var clusterScopedKinds = map[string]bool{
	"APIService": true, "CertificateSigningRequest": true, "ClusterRole": true, "ClusterRoleBinding": true,
	"ComponentStatus": true, "CSIDriver": true, "CSINode": true, "CustomResourceDefinition": true,
	"FlowSchema": true, "IngressClass": true, "MutatingAdmissionPolicy": true,
	"MutatingAdmissionPolicyBinding": true, "MutatingWebhookConfiguration": true, "Namespace": true, "Node": true,
	"PersistentVolume": true, "PodSecurityPolicy": true, "PriorityClass": true,
	"PriorityLevelConfiguration": true, "RuntimeClass": true, "SelfSubjectAccessReview": true,
	"SelfSubjectReview": true, "StorageClass": true, "SubjectAccessReview": true, "TokenReview": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"ValidatingWebhookConfiguration": true, "VolumeAttachment": true,
	"ClusterPolicy": true, "ClusterPolicyReport": true, "ClusterCleanupPolicy": true,
}

// DefaultNamespace puts a namespaced object without a namespace in "default", as the Kyverno CLI (and the API
// server) do; suites name such resources `default/<name>`. Cluster-scoped kinds are left alone.
func DefaultNamespace(obj map[string]any) {
	kind, _ := obj["kind"].(string)
	if clusterScopedKinds[kind] {
		return
	}
	meta, ok := obj["metadata"].(map[string]any)
	if !ok {
		return
	}
	if ns, _ := meta["namespace"].(string); ns == "" {
		meta["namespace"] = "default"
	}
}
