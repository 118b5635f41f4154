package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Cluster,shortName=bcpol,categories=bylaw
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Action",type=string,JSONPath=`.spec.validationFailureAction`
// +kubebuilder:printcolumn:name="Background",type=boolean,JSONPath=`.spec.background`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// ClusterPolicy is a set of rules that validate, mutate, generate or verify
// images of resources in every namespace and of cluster-scoped resources.
type ClusterPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec holds the rules and the policy-wide settings.
	Spec Spec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status PolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// ClusterPolicyList is a list of ClusterPolicy objects.
type ClusterPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterPolicy `json:"items"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced,shortName=bpol,categories=bylaw
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Action",type=string,JSONPath=`.spec.validationFailureAction`
// +kubebuilder:printcolumn:name="Background",type=boolean,JSONPath=`.spec.background`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// Policy is a set of rules that apply only to resources of its own namespace.
type Policy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec holds the rules and the policy-wide settings.
	Spec Spec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status PolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// PolicyList is a list of Policy objects.
type PolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Policy `json:"items"`
}

// PolicyStatus is the observed state of a ClusterPolicy or Policy.
type PolicyStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions are kstatus conditions such as Ready, Reconciling and Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// GetSpec returns the policy spec.
func (p *ClusterPolicy) GetSpec() *Spec { return &p.Spec }

// IsNamespaced reports false: a ClusterPolicy is cluster-scoped.
func (p *ClusterPolicy) IsNamespaced() bool { return false }

// GetSpec returns the policy spec.
func (p *Policy) GetSpec() *Spec { return &p.Spec }

// IsNamespaced reports true: a Policy applies only inside its namespace.
func (p *Policy) IsNamespaced() bool { return true }
