package v1

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Kind names of the deleting policies.
const (
	DeletingPolicyKind           = "DeletingPolicy"
	NamespacedDeletingPolicyKind = "NamespacedDeletingPolicy"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=deletingpolicies,scope=Cluster,shortName=dpol,categories=kyverno;bylaw
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:printcolumn:name="Schedule",type=string,JSONPath=`.spec.schedule`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Last run",type=date,JSONPath=`.status.lastExecutionTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// DeletingPolicy deletes, on a cron schedule, the existing resources its match constraints select and its
// conditions hold for, cluster-wide.
type DeletingPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the policy.
	Spec DeletingPolicySpec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status DeletingPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// DeletingPolicyList is a list of DeletingPolicy objects.
type DeletingPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []DeletingPolicy `json:"items"`
}

// +kubebuilder:object:root=true
// +kubebuilder:resource:path=namespaceddeletingpolicies,scope=Namespaced,shortName=ndpol,categories=kyverno;bylaw
// +kubebuilder:subresource:status
// +kubebuilder:storageversion
// +kubebuilder:printcolumn:name="Schedule",type=string,JSONPath=`.spec.schedule`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Last run",type=date,JSONPath=`.status.lastExecutionTime`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// NamespacedDeletingPolicy deletes, on a cron schedule, resources of its own namespace only.
type NamespacedDeletingPolicy struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the policy.
	Spec DeletingPolicySpec `json:"spec"`

	// Status is the observed state of the policy.
	// +optional
	Status DeletingPolicyStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// NamespacedDeletingPolicyList is a list of NamespacedDeletingPolicy objects.
type NamespacedDeletingPolicyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []NamespacedDeletingPolicy `json:"items"`
}

// DeletingPolicySpec is what a DeletingPolicy or NamespacedDeletingPolicy deletes, and when.
type DeletingPolicySpec struct {
	// MatchConstraints selects the resources the policy lists and may delete (resource rules, namespace and object
	// selectors, excluded resource rules). Operations are ignored: every matching existing object is considered.
	// Required.
	// +optional
	MatchConstraints *admissionregistrationv1.MatchResources `json:"matchConstraints,omitempty"`

	// Conditions are CEL expressions that must all evaluate to true for a selected resource to be deleted; none
	// means every selected resource is deleted.
	// +listType=map
	// +listMapKey=name
	// +optional
	Conditions []admissionregistrationv1.MatchCondition `json:"conditions,omitempty"`

	// Variables are named CEL expressions, available to later variables and to the conditions as
	// `variables.<name>`.
	// +listType=map
	// +listMapKey=name
	// +optional
	Variables []admissionregistrationv1.Variable `json:"variables,omitempty"`

	// Schedule is when the policy runs, in cron format ("minute hour day-of-month month day-of-week", or a
	// descriptor such as @hourly).
	Schedule string `json:"schedule"`

	// DeletionPropagationPolicy is how dependents of a deleted resource are handled: Foreground, Background or
	// Orphan (default: the resource's own default).
	// +kubebuilder:validation:Enum=Foreground;Background;Orphan
	// +optional
	DeletionPropagationPolicy *metav1.DeletionPropagation `json:"deletionPropagationPolicy,omitempty"`
}

// DeletingPolicyStatus is the observed state of a deleting policy.
type DeletingPolicyStatus struct {
	// Conditions are kstatus conditions (Ready, Reconciling, Stalled), read by Flux and Argo CD health checks.
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// ConditionStatus is Kyverno's status shape: ready, and the PolicyCached and RBACPermissionsGranted
	// conditions.
	// +optional
	ConditionStatus ConditionStatus `json:"conditionStatus,omitempty"`

	// LastExecutionTime is when the cleanup controller last ran the policy.
	// +optional
	LastExecutionTime metav1.Time `json:"lastExecutionTime,omitempty"`
}

// GetConditions returns the kstatus conditions (Ready, Reconciling, Stalled).
func (p *DeletingPolicy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the kstatus conditions.
func (p *DeletingPolicy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetConditions returns the kstatus conditions (Ready, Reconciling, Stalled).
func (p *NamespacedDeletingPolicy) GetConditions() []metav1.Condition { return p.Status.Conditions }

// SetConditions replaces the kstatus conditions.
func (p *NamespacedDeletingPolicy) SetConditions(c []metav1.Condition) { p.Status.Conditions = c }

// GetSpec returns the spec both deleting policy kinds share.
func (p *DeletingPolicy) GetSpec() *DeletingPolicySpec { return &p.Spec }

// GetSpec returns the spec both deleting policy kinds share.
func (p *NamespacedDeletingPolicy) GetSpec() *DeletingPolicySpec { return &p.Spec }

// GetStatus returns the status both deleting policy kinds share.
func (p *DeletingPolicy) GetStatus() *DeletingPolicyStatus { return &p.Status }

// GetStatus returns the status both deleting policy kinds share.
func (p *NamespacedDeletingPolicy) GetStatus() *DeletingPolicyStatus { return &p.Status }

// addDeletingTypes registers the deleting policy kinds with the scheme, under the storage version.
func addDeletingTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(SchemeGroupVersion,
		&DeletingPolicy{}, &DeletingPolicyList{},
		&NamespacedDeletingPolicy{}, &NamespacedDeletingPolicyList{},
	)
	return nil
}
