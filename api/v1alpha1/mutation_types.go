package v1alpha1

import (
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// ForeachOrder is the order in which a mutate foreach visits list elements.
// +kubebuilder:validation:Enum=Ascending;Descending
type ForeachOrder string

const (
	// Ascending visits elements from first to last.
	Ascending ForeachOrder = "Ascending"
	// Descending visits elements from last to first.
	Descending ForeachOrder = "Descending"
)

// Mutation modifies the matching resource, or existing target resources.
type Mutation struct {
	// MutateExistingOnPolicyUpdate mutates existing targets when the policy changes.
	// +optional
	MutateExistingOnPolicyUpdate *bool `json:"mutateExistingOnPolicyUpdate,omitempty"`

	// Targets are existing resources to mutate instead of the request object.
	// +optional
	Targets []TargetResourceSpec `json:"targets,omitempty"`

	// PatchStrategicMerge is a strategic merge patch with Kyverno anchors.
	// +optional
	PatchStrategicMerge *apiextv1.JSON `json:"patchStrategicMerge,omitempty"`

	// PatchesJSON6902 is an RFC 6902 JSON patch, written as a YAML or JSON string.
	// +optional
	PatchesJSON6902 string `json:"patchesJson6902,omitempty"`

	// ForEach mutates each element of one or more lists.
	// +optional
	ForEach []ForEachMutation `json:"foreach,omitempty"`
}

// ForEachMutation applies a patch for each element of the list a JMESPath
// expression returns.
type ForEachMutation struct {
	// List is a JMESPath expression returning the elements.
	// +optional
	List string `json:"list,omitempty"`

	// Order of iteration; Ascending by default.
	// +optional
	Order *ForeachOrder `json:"order,omitempty"`

	// Context declares variables evaluated for each element.
	// +optional
	Context []ContextEntry `json:"context,omitempty"`

	// Preconditions select the elements to patch.
	// +optional
	Preconditions *AnyAllConditions `json:"preconditions,omitempty"`

	// PatchStrategicMerge is applied for each element.
	// +optional
	PatchStrategicMerge *apiextv1.JSON `json:"patchStrategicMerge,omitempty"`

	// PatchesJSON6902 is applied for each element.
	// +optional
	PatchesJSON6902 string `json:"patchesJson6902,omitempty"`

	// ForEach is a nested loop over a list within each element.
	// +optional
	// +kubebuilder:validation:Schemaless
	// +kubebuilder:pruning:PreserveUnknownFields
	ForEach []ForEachMutation `json:"foreach,omitempty"`
}

// ResourceSpec identifies one resource.
type ResourceSpec struct {
	// APIVersion of the resource.
	// +optional
	APIVersion string `json:"apiVersion,omitempty"`

	// Kind of the resource.
	// +optional
	Kind string `json:"kind,omitempty"`

	// Namespace of the resource.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Name of the resource.
	// +optional
	Name string `json:"name,omitempty"`

	// UID of the resource.
	// +optional
	UID types.UID `json:"uid,omitempty"`
}

// TargetSelector selects existing resources by identity and labels.
type TargetSelector struct {
	ResourceSpec `json:",inline"`

	// Selector matches the labels of the targets.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
}

// TargetResourceSpec selects existing resources for a mutate rule.
type TargetResourceSpec struct {
	TargetSelector `json:",inline"`

	// Context declares variables evaluated for each target.
	// +optional
	Context []ContextEntry `json:"context,omitempty"`

	// Preconditions select the targets to mutate; an any/all object or a
	// legacy list. Use PreconditionsAnyAll to read it.
	// +optional
	Preconditions *apiextv1.JSON `json:"preconditions,omitempty"`
}

// PreconditionsAnyAll decodes the target preconditions in either form.
func (t *TargetResourceSpec) PreconditionsAnyAll() (*AnyAllConditions, error) {
	return DecodeConditions(t.Preconditions)
}
