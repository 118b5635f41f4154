package v1alpha1

import (
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Generation creates a resource from inline data, a clone of one resource or
// clones of several, optionally once per element of a list.
type Generation struct {
	// GenerateExisting also generates for resources that existed before the policy.
	// +optional
	GenerateExisting *bool `json:"generateExisting,omitempty"`

	// Synchronize keeps generated resources in step with their source.
	// +optional
	Synchronize bool `json:"synchronize,omitempty"`

	// OrphanDownstreamOnPolicyDelete keeps generated resources when the rule is
	// deleted (data rules with synchronize only).
	// +optional
	OrphanDownstreamOnPolicyDelete bool `json:"orphanDownstreamOnPolicyDelete,omitempty"`

	GeneratePattern `json:",inline"`

	// ForEach generates one resource set per element of a list.
	// +optional
	ForEach []ForEachGeneration `json:"foreach,omitempty"`
}

// GeneratePattern describes what is generated: the target identity and one of
// data, clone or cloneList.
type GeneratePattern struct {
	ResourceSpec `json:",inline"`

	// Data is the generated resource content.
	// +optional
	Data *apiextv1.JSON `json:"data,omitempty"`

	// Clone copies one existing resource.
	// +optional
	Clone CloneFrom `json:"clone,omitempty"`

	// CloneList copies every resource of some kinds matching a selector.
	// +optional
	CloneList CloneList `json:"cloneList,omitempty"`
}

// ForEachGeneration generates for each element of the list a JMESPath
// expression returns.
type ForEachGeneration struct {
	// List is a JMESPath expression returning the elements.
	// +optional
	List string `json:"list,omitempty"`

	// Context declares variables evaluated for each element.
	// +optional
	Context []ContextEntry `json:"context,omitempty"`

	// Preconditions select the elements to generate for.
	// +optional
	Preconditions *AnyAllConditions `json:"preconditions,omitempty"`

	GeneratePattern `json:",inline"`
}

// CloneFrom names the source resource of a clone; its kind is the target's.
type CloneFrom struct {
	// Namespace of the source.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Name of the source.
	// +optional
	Name string `json:"name,omitempty"`
}

// CloneList selects the source resources of a cloneList.
type CloneList struct {
	// Namespace of the sources.
	// +optional
	Namespace string `json:"namespace,omitempty"`

	// Kinds of the sources, written apiVersion/Kind.
	// +optional
	Kinds []string `json:"kinds,omitempty"`

	// Selector matches the labels of the sources.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`
}
