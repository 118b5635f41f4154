package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced,shortName=bpolex,categories=bylaw
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Background",type=boolean,JSONPath=`.spec.background`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// PolicyException exempts the resources it matches from some rules of some policies.
type PolicyException struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec says which resources are exempted from which rules.
	Spec PolicyExceptionSpec `json:"spec"`

	// Status is the observed state of the exception.
	// +optional
	Status PolicyExceptionStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PolicyExceptionList is a list of PolicyException objects.
type PolicyExceptionList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []PolicyException `json:"items"`
}

// PolicyExceptionSpec selects resources and the policy rules they are exempted from.
type PolicyExceptionSpec struct {
	// Background applies the exception in background scans. Defaults to true.
	// +optional
	Background *bool `json:"background,omitempty"`

	// Match selects the exempted resources (any/all filters).
	Match MatchResources `json:"match"`

	// Conditions must hold for the exception to apply.
	// +optional
	Conditions *AnyAllConditions `json:"conditions,omitempty"`

	// Exceptions name the exempted policies and rules.
	Exceptions []Exception `json:"exceptions"`

	// PodSecurity lists Pod Security Standard controls exempted for
	// validate.podSecurity rules.
	// +optional
	PodSecurity []PodSecurityStandard `json:"podSecurity,omitempty"`
}

// BackgroundEnabled reports whether the exception applies in background scans
// (default true).
func (s *PolicyExceptionSpec) BackgroundEnabled() bool {
	return s.Background == nil || *s.Background
}

// Exception names one policy and some of its rules.
type Exception struct {
	// PolicyName is the ClusterPolicy name, or namespace/name for a Policy.
	PolicyName string `json:"policyName"`

	// RuleNames are rule names; wildcards are allowed.
	RuleNames []string `json:"ruleNames"`
}

// PolicyExceptionStatus is the observed state of a PolicyException.
type PolicyExceptionStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions are kstatus conditions such as Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}
