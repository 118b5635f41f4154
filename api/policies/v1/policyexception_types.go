package v1

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=policyexceptions,scope=Namespaced,shortName=celpolex,categories=kyverno;bylaw
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// PolicyException exempts the requests its match conditions select from the CEL policies it names.
type PolicyException struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec names the policies and the exempted requests.
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

// PolicyExceptionSpec names policies and selects the requests exempted from them.
type PolicyExceptionSpec struct {
	// PolicyRefs are the policies the exception applies to, by name and kind.
	PolicyRefs []PolicyRef `json:"policyRefs"`

	// MatchConditions are CEL expressions that must all be true for a request to be exempted.
	// +optional
	MatchConditions []admissionregistrationv1.MatchCondition `json:"matchConditions,omitempty"`

	// Images are image patterns a policy may read as `exceptions.allowedImages`.
	// +optional
	Images []string `json:"images,omitempty"`

	// AllowedValues are values a policy may read as `exceptions.allowedValues`.
	// +optional
	AllowedValues []string `json:"allowedValues,omitempty"`

	// ReportResult is the result reported for an exempted request: skip (default) or pass.
	// +kubebuilder:validation:Enum=skip;pass
	// +optional
	ReportResult string `json:"reportResult,omitempty"`

	// ExpiresAt ends the exception: after it the exception no longer applies.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`
}

// PolicyRef names one policy.
type PolicyRef struct {
	// Name is the policy name.
	Name string `json:"name"`
	// Kind is the policy kind, e.g. ValidatingPolicy.
	Kind string `json:"kind"`
}

// PolicyExceptionStatus is the observed state of a PolicyException.
type PolicyExceptionStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Expired is true once expiresAt has passed.
	// +optional
	Expired bool `json:"expired,omitempty"`

	// Conditions are kstatus conditions such as Ready.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}
