package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// GenerateOperation is why a GenerateRequest was recorded: the admission operation on its trigger, or a request the
// generate controller made itself.
// +kubebuilder:validation:Enum=CREATE;UPDATE;DELETE;Existing;Sync
type GenerateOperation string

// Generate operations.
const (
	GenerateOnCreate GenerateOperation = "CREATE"
	GenerateOnUpdate GenerateOperation = "UPDATE"
	GenerateOnDelete GenerateOperation = "DELETE"
	// GenerateExistingTrigger is a request for a trigger that existed before its policy (generateExisting).
	GenerateExistingTrigger GenerateOperation = "Existing"
	// GenerateSync is a request to bring the downstream objects of a trigger back in line with their rules.
	GenerateSync GenerateOperation = "Sync"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced,shortName=gr,categories=bylaw
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="Policy",type=string,JSONPath=`.spec.policy`
// +kubebuilder:printcolumn:name="Operation",type=string,JSONPath=`.spec.operation`
// +kubebuilder:printcolumn:name="Kind",type=string,JSONPath=`.spec.trigger.kind`
// +kubebuilder:printcolumn:name="Namespace",type=string,JSONPath=`.spec.trigger.namespace`
// +kubebuilder:printcolumn:name="Name",type=string,JSONPath=`.spec.trigger.name`
// +kubebuilder:printcolumn:name="Attempts",type=integer,JSONPath=`.status.attempts`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Error",type=string,JSONPath=`.status.lastError`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`

// GenerateRequest is the durable record of work that generate and mutate-existing rules ask for on one trigger. The
// admission webhook (every replica) records it; the generate controller (the leader) processes it and deletes it once
// done. A failed request stays, with its error, and is retried with backoff, also after a restart.
type GenerateRequest struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec names the policy, the trigger and the operation.
	Spec GenerateRequestSpec `json:"spec"`

	// Status is the outcome of the attempts so far.
	// +optional
	Status GenerateRequestStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// GenerateRequestList is a list of GenerateRequest objects.
type GenerateRequestList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []GenerateRequest `json:"items"`
}

// GenerateRequestSpec names the policy, the trigger and the operation of a GenerateRequest.
type GenerateRequestSpec struct {
	// Policy is the key of the policy: "name" for a ClusterPolicy, "namespace/name" for a Policy.
	// +kubebuilder:validation:MinLength=1
	Policy string `json:"policy"`

	// Trigger is the object whose admission (or existence) asked for the work.
	Trigger GenerateTrigger `json:"trigger"`

	// Operation is the admission operation on the trigger, Existing for a trigger found by generateExisting, or Sync
	// for a request to re-create or revert downstream objects.
	Operation GenerateOperation `json:"operation"`

	// UserInfo is the user of the admission request, empty for requests the controller made.
	// +optional
	UserInfo GenerateUserInfo `json:"userInfo,omitempty"`

	// Object is the trigger as admitted (the old object on DELETE), kept for when the trigger is gone.
	// +optional
	// +kubebuilder:pruning:PreserveUnknownFields
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:validation:Type=object
	Object runtime.RawExtension `json:"object,omitempty"`
}

// GenerateTrigger identifies the trigger object of a GenerateRequest.
type GenerateTrigger struct {
	// APIVersion of the trigger, as "v1" or "apps/v1".
	// +kubebuilder:validation:MinLength=1
	APIVersion string `json:"apiVersion"`
	// Kind of the trigger.
	// +kubebuilder:validation:MinLength=1
	Kind string `json:"kind"`
	// Namespace of the trigger; empty for a cluster-scoped one.
	// +optional
	Namespace string `json:"namespace,omitempty"`
	// Name of the trigger.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// UID of the trigger: a trigger deleted and created again under the same name is another trigger.
	// +optional
	UID string `json:"uid,omitempty"`
}

// GenerateUserInfo is the requesting user of an admission request.
type GenerateUserInfo struct {
	// +optional
	Username string `json:"username,omitempty"`
	// +optional
	UID string `json:"uid,omitempty"`
	// +optional
	Groups []string `json:"groups,omitempty"`
}

// GenerateRequestStatus is the outcome of the attempts to process a GenerateRequest.
type GenerateRequestStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, Reconciling, Stalled.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Attempts counts the attempts that failed.
	// +optional
	Attempts int32 `json:"attempts,omitempty"`

	// LastError is the error of the last failed attempt.
	// +optional
	LastError string `json:"lastError,omitempty"`

	// Generated are the downstream objects the last attempt created or updated.
	// +optional
	Generated []GeneratedReference `json:"generated,omitempty"`
}

// GeneratedReference names one downstream object.
type GeneratedReference struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// +optional
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// GetConditions returns the status conditions (kstatus: Ready, Reconciling, Stalled).
func (g *GenerateRequest) GetConditions() []metav1.Condition { return g.Status.Conditions }

// SetConditions replaces the status conditions.
func (g *GenerateRequest) SetConditions(c []metav1.Condition) { g.Status.Conditions = c }
