package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced,shortName=ar,categories=bylaw
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.spec.resource.kind`
// +kubebuilder:printcolumn:name="Namespace",type=string,JSONPath=`.spec.resource.namespace`
// +kubebuilder:printcolumn:name="Name",type=string,JSONPath=`.spec.resource.name`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// AuditResult hands the results of admission-only Audit rules (policies with background: false, which no scan
// recomputes) from a replica that does not lead to the leader, which keeps the policy reports. The replica that
// answered the admission request creates it in Bylaw's namespace; the leader puts its results in the reports and
// deletes it.
type AuditResult struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec names the admitted object and the results of the policies evaluated on it.
	Spec AuditResultSpec `json:"spec"`
}

// +kubebuilder:object:root=true

// AuditResultList is a list of AuditResult objects.
type AuditResultList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []AuditResult `json:"items"`
}

// AuditResultSpec names the admitted object and the results of the policies evaluated on it.
type AuditResultSpec struct {
	// Resource is the admitted object.
	Resource GenerateTrigger `json:"resource"`
	// Policies are the evaluated policies, each with its Audit rule results; a policy without rules has none on
	// the object any more (an update it no longer selects).
	// +kubebuilder:validation:MaxItems=256
	Policies []AuditPolicyResult `json:"policies"`
}

// AuditPolicyResult is the Audit results of one policy.
type AuditPolicyResult struct {
	// Policy is the policy's key: its name, or namespace/name for a namespaced Policy.
	// +kubebuilder:validation:MinLength=1
	Policy string `json:"policy"`
	// Rules are the results of the policy's Audit rules that applied.
	// +optional
	// +kubebuilder:validation:MaxItems=256
	Rules []AuditRuleResult `json:"rules,omitempty"`
}

// AuditRuleResult is the result of one rule.
type AuditRuleResult struct {
	// Rule is the rule's name.
	// +kubebuilder:validation:MinLength=1
	Rule string `json:"rule"`
	// Result is the outcome.
	// +kubebuilder:validation:Enum=pass;fail;warn;error;skip
	Result string `json:"result"`
	// Message is the rule's message.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Message string `json:"message,omitempty"`
	// Exception is the key of the PolicyException that skipped the rule, if one did.
	// +optional
	Exception string `json:"exception,omitempty"`
}
