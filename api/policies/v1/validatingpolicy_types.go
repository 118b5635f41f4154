package v1

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=validatingpolicies,scope=Cluster,shortName=vpol,categories=kyverno;bylaw
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// ValidatingPolicy validates resources with CEL expressions, cluster-wide.
type ValidatingPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the policy.
	Spec ValidatingPolicySpec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status ValidatingPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ValidatingPolicyList is a list of ValidatingPolicy objects.
type ValidatingPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ValidatingPolicy `json:"items"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=namespacedvalidatingpolicies,scope=Namespaced,shortName=nvpol,categories=kyverno;bylaw
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// NamespacedValidatingPolicy validates resources of its own namespace with CEL expressions.
type NamespacedValidatingPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the policy.
	Spec ValidatingPolicySpec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status ValidatingPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// NamespacedValidatingPolicyList is a list of NamespacedValidatingPolicy objects.
type NamespacedValidatingPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NamespacedValidatingPolicy `json:"items"`
}

// ValidatingPolicySpec is what a ValidatingPolicy or NamespacedValidatingPolicy checks, and how.
type ValidatingPolicySpec struct {
	// MatchConstraints selects the requests the policy validates (resource rules, namespace and object
	// selectors, excluded resource rules, match policy).
	// +optional
	MatchConstraints *admissionregistrationv1.MatchResources `json:"matchConstraints,omitempty"`

	// Validations are CEL expressions that must evaluate to true.
	// +listType=atomic
	// +optional
	Validations []admissionregistrationv1.Validation `json:"validations,omitempty"`

	// FailurePolicy says what an evaluation error does: Fail (default) or Ignore.
	// +kubebuilder:validation:Enum=Ignore;Fail
	// +optional
	FailurePolicy *admissionregistrationv1.FailurePolicyType `json:"failurePolicy,omitempty"`

	// AuditAnnotations are CEL expressions whose values are added to the request's audit event.
	// +listType=atomic
	// +optional
	AuditAnnotations []admissionregistrationv1.AuditAnnotation `json:"auditAnnotations,omitempty"`

	// MatchConditions are CEL expressions a request must satisfy for the policy to apply.
	// +listType=map
	// +listMapKey=name
	// +optional
	MatchConditions []admissionregistrationv1.MatchCondition `json:"matchConditions,omitempty"`

	// Variables are named CEL expressions, available to later variables and expressions as `variables.<name>`.
	// +listType=map
	// +listMapKey=name
	// +optional
	Variables []admissionregistrationv1.Variable `json:"variables,omitempty"`

	// AutogenConfiguration says for which Pod controllers rules are generated.
	// +optional
	AutogenConfiguration *ValidatingPolicyAutogenConfiguration `json:"autogen,omitempty"`

	// ValidationAction says what a failed validation does: Deny, Audit and/or Warn (Deny and Warn not together).
	// +listType=set
	// +kubebuilder:validation:items:Enum=Deny;Audit;Warn
	// +optional
	ValidationAction []admissionregistrationv1.ValidationAction `json:"validationActions,omitempty"`

	// WebhookConfiguration sets the webhook timeout.
	// +optional
	WebhookConfiguration *WebhookConfiguration `json:"webhookConfiguration,omitempty"`

	// EvaluationConfiguration sets the evaluation mode and where the policy runs.
	// +optional
	EvaluationConfiguration *EvaluationConfiguration `json:"evaluation,omitempty"`
}

// ValidatingPolicyAutogenConfiguration configures rule generation.
type ValidatingPolicyAutogenConfiguration struct {
	// PodControllers lists the Pod controllers rules are generated for.
	// +optional
	PodControllers *PodControllersGenerationConfiguration `json:"podControllers,omitempty"`

	// ValidatingAdmissionPolicy asks Kyverno to generate a Kubernetes ValidatingAdmissionPolicy; Bylaw reads the
	// field and does not generate one.
	// +optional
	ValidatingAdmissionPolicy *VapGenerationConfiguration `json:"validatingAdmissionPolicy,omitempty"`
}

// PodControllersGenerationConfiguration lists Pod controllers; absent means all, empty means none.
type PodControllersGenerationConfiguration struct {
	// +optional
	Controllers []string `json:"controllers,omitempty"`
}

// VapGenerationConfiguration is Kyverno's switch for ValidatingAdmissionPolicy generation.
type VapGenerationConfiguration struct {
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// WebhookConfiguration is the webhook side of a policy.
type WebhookConfiguration struct {
	// TimeoutSeconds is the webhook timeout, 1-30 seconds (default 10).
	// +optional
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty"`
}

// EvaluationMode is how resources are read: Kubernetes objects or plain JSON payloads.
type EvaluationMode string

// Evaluation modes.
const (
	EvaluationModeKubernetes EvaluationMode = "Kubernetes"
	EvaluationModeJSON       EvaluationMode = "JSON"
)

// EvaluationConfiguration says how and where the policy is evaluated.
type EvaluationConfiguration struct {
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
}

// AdmissionConfiguration switches admission evaluation.
type AdmissionConfiguration struct {
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// BackgroundConfiguration switches background evaluation.
type BackgroundConfiguration struct {
	// +optional
	Enabled *bool `json:"enabled,omitempty"`
}

// ValidatingPolicyStatus is the observed state of a validating policy.
type ValidatingPolicyStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions are kstatus conditions (Ready, Reconciling, Stalled), read by Flux and Argo CD health checks.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ConditionStatus is Kyverno's status shape: ready, and the WebhookConfigured and RBACPermissionsGranted
	// conditions.
	// +optional
	ConditionStatus ConditionStatus `json:"conditionStatus,omitempty"`

	// Autogen holds the rules generated for Pod controllers.
	// +optional
	Autogen ValidatingPolicyAutogenStatus `json:"autogen,omitempty"`

	// Generated is Kyverno's flag for a generated ValidatingAdmissionPolicy; always false in Bylaw.
	// +optional
	Generated bool `json:"generated"`
}

// ConditionStatus is the status Kyverno writes on its CEL policies.
type ConditionStatus struct {
	// Ready summarises the conditions.
	// +optional
	Ready *bool `json:"ready,omitempty"`

	// Conditions are WebhookConfigured, PolicyCached and RBACPermissionsGranted.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Message explains a failure to generate admission policies; empty otherwise.
	// +optional
	Message string `json:"message"`
}

// Kyverno's condition types of ConditionStatus.
const (
	ConditionWebhookConfigured      = "WebhookConfigured"
	ConditionPolicyCached           = "PolicyCached"
	ConditionRBACPermissionsGranted = "RBACPermissionsGranted"
)

// ValidatingPolicyAutogenStatus lists the generated rules by configuration name.
type ValidatingPolicyAutogenStatus struct {
	// +optional
	Configs map[string]ValidatingPolicyAutogen `json:"configs,omitempty"`
}

// ValidatingPolicyAutogen is one generated variant of the policy and the resources it targets.
type ValidatingPolicyAutogen struct {
	Targets []Target `json:"targets"`
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Type=object
	Spec *ValidatingPolicySpec `json:"spec"`
}

// Target is a resource a generated variant matches.
type Target struct {
	// +optional
	Group    string `json:"group,omitempty"`
	Version  string `json:"version"`
	Resource string `json:"resource"`
	Kind     string `json:"kind"`
}
