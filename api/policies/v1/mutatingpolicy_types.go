package v1

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	admissionregistrationv1alpha1 "k8s.io/api/admissionregistration/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=mutatingpolicies,scope=Cluster,shortName=mpol,categories=kyverno;bylaw
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// MutatingPolicy mutates resources with CEL-built patches, cluster-wide.
type MutatingPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the policy.
	Spec MutatingPolicySpec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status MutatingPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// MutatingPolicyList is a list of MutatingPolicy objects.
type MutatingPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []MutatingPolicy `json:"items"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=namespacedmutatingpolicies,scope=Namespaced,shortName=nmpol,categories=kyverno;bylaw
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// NamespacedMutatingPolicy mutates resources of its own namespace with CEL-built patches.
type NamespacedMutatingPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the policy.
	Spec MutatingPolicySpec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status MutatingPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// NamespacedMutatingPolicyList is a list of NamespacedMutatingPolicy objects.
type NamespacedMutatingPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NamespacedMutatingPolicy `json:"items"`
}

// MutatingPolicySpec is what a MutatingPolicy or NamespacedMutatingPolicy changes, and on which resources.
type MutatingPolicySpec struct {
	// MatchConstraints selects the requests the policy mutates (resource rules, namespace and object selectors,
	// excluded resource rules, match policy).
	// +optional
	MatchConstraints *admissionregistrationv1.MatchResources `json:"matchConstraints,omitempty"`

	// FailurePolicy says what an evaluation error does: Fail (default: the request is denied) or Ignore (the
	// policy is skipped).
	// +kubebuilder:validation:Enum=Ignore;Fail
	// +optional
	FailurePolicy *admissionregistrationv1.FailurePolicyType `json:"failurePolicy,omitempty"`

	// TargetMatchConstraints selects the existing resources a mutateExisting policy patches (an expression, or
	// resource rules and selectors); absent, matchConstraints selects them.
	// +optional
	TargetMatchConstraints *TargetMatchConstraints `json:"targetMatchConstraints,omitempty"`

	// MatchConditions are CEL expressions a request must satisfy for the policy to apply.
	// +listType=map
	// +listMapKey=name
	// +optional
	MatchConditions []admissionregistrationv1.MatchCondition `json:"matchConditions,omitempty"`

	// Variables are named CEL expressions, available to later variables and to the mutations as
	// `variables.<name>`.
	// +listType=map
	// +listMapKey=name
	// +optional
	Variables []admissionregistrationv1.Variable `json:"variables,omitempty"`

	// AutogenConfiguration says for which Pod controllers mutations are generated.
	// +optional
	AutogenConfiguration *MutatingPolicyAutogenConfiguration `json:"autogen,omitempty"`

	// Mutations are applied in order, each to the object the previous one left: an ApplyConfiguration (a CEL
	// `Object{...}` merged as server-side apply merges) or a JSONPatch (CEL-built RFC 6902 operations).
	// +listType=atomic
	// +optional
	Mutations []admissionregistrationv1alpha1.Mutation `json:"mutations,omitempty"`

	// WebhookConfiguration sets the webhook timeout.
	// +optional
	WebhookConfiguration *WebhookConfiguration `json:"webhookConfiguration,omitempty"`

	// EvaluationConfiguration sets where the policy runs: admission, background, mutation of existing resources.
	// +optional
	EvaluationConfiguration *MutatingPolicyEvaluationConfiguration `json:"evaluation,omitempty"`

	// ReinvocationPolicy is Never (default) or IfNeeded: the mutating webhook is called again when a later
	// admission plugin changed the object.
	// +kubebuilder:validation:Enum=Never;IfNeeded
	// +optional
	ReinvocationPolicy admissionregistrationv1.ReinvocationPolicyType `json:"reinvocationPolicy,omitempty"`

	// AuditAnnotations are CEL expressions whose values are added to the request's audit event.
	// +listType=atomic
	// +optional
	AuditAnnotations []admissionregistrationv1.AuditAnnotation `json:"auditAnnotations,omitempty"`
}

// TargetMatchConstraints selects the existing resources a mutateExisting policy patches.
type TargetMatchConstraints struct {
	// Expression is a CEL expression that returns the target (a map with apiVersion, kind, namespace, name).
	// +optional
	Expression string `json:"expression,omitempty"`

	// MatchResources are resource rules and selectors the targets must match.
	// +optional
	admissionregistrationv1.MatchResources `json:",inline"`
}

// MutatingPolicyEvaluationConfiguration says where a mutating policy runs.
type MutatingPolicyEvaluationConfiguration struct {
	// Mode is Kubernetes (default) or JSON.
	// +kubebuilder:validation:Enum=Kubernetes;JSON
	// +optional
	Mode EvaluationMode `json:"mode,omitempty"`

	// Admission enables the policy at admission (default true).
	// +optional
	Admission *AdmissionConfiguration `json:"admission,omitempty"`

	// Background enables the policy in background scans (default true).
	// +optional
	Background *BackgroundConfiguration `json:"background,omitempty"`

	// MutateExistingConfiguration enables patching existing resources when a trigger is admitted (default false).
	// +optional
	MutateExistingConfiguration *MutateExistingConfiguration `json:"mutateExisting,omitempty"`
}

// MutateExistingConfiguration switches the mutation of existing resources.
type MutateExistingConfiguration struct {
	// Enabled patches existing resources (default false).
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// MutatingPolicyAutogenConfiguration configures mutation generation.
type MutatingPolicyAutogenConfiguration struct {
	// PodControllers lists the Pod controllers mutations are generated for.
	// +optional
	PodControllers *PodControllersGenerationConfiguration `json:"podControllers,omitempty"`

	// MutatingAdmissionPolicy asks Kyverno to generate a Kubernetes MutatingAdmissionPolicy; Bylaw reads the
	// field and does not generate one.
	// +optional
	MutatingAdmissionPolicy *MAPGenerationConfiguration `json:"mutatingAdmissionPolicy,omitempty"`
}

// MAPGenerationConfiguration is Kyverno's switch for MutatingAdmissionPolicy generation.
type MAPGenerationConfiguration struct {
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// MutatingPolicyStatus is the observed state of a mutating policy.
type MutatingPolicyStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions are kstatus conditions (Ready, Reconciling, Stalled), read by Flux and Argo CD health checks.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ConditionStatus is Kyverno's status shape: ready, and its conditions.
	// +optional
	ConditionStatus ConditionStatus `json:"conditionStatus,omitempty"`

	// Autogen holds the mutations generated for Pod controllers.
	// +optional
	Autogen MutatingPolicyAutogenStatus `json:"autogen,omitempty"`

	// Generated is Kyverno's flag for a generated MutatingAdmissionPolicy; always false in Bylaw.
	// +optional
	Generated bool `json:"generated"`
}

// MutatingPolicyAutogenStatus lists the generated variants by configuration name.
type MutatingPolicyAutogenStatus struct {
	// +optional
	Configs map[string]MutatingPolicyAutogen `json:"configs,omitempty"`
}

// MutatingPolicyAutogen is one generated variant of the policy and the resources it targets.
type MutatingPolicyAutogen struct {
	Targets []Target `json:"targets"`
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	Spec *MutatingPolicySpec `json:"spec"`
}
