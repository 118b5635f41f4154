package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// GroupName is Kyverno's API group of CEL policies.
const GroupName = "policies.kyverno.io"

// Versions are the versions of the group served with one schema, storage version first.
var Versions = []string{"v1", "v1beta1", "v1alpha1"}

var (
	// SchemeGroupVersion is the storage group and version of the types in this package.
	SchemeGroupVersion = schema.GroupVersion{Group: GroupName, Version: "v1"}

	// SchemeBuilder registers the types of this package with a runtime.Scheme.
	SchemeBuilder = runtime.NewSchemeBuilder(addKnownTypes, addDeletingTypes)

	// AddToScheme adds the types of this package to a runtime.Scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)

// Kind names of the group.
const (
	ValidatingPolicyKind           = "ValidatingPolicy"
	NamespacedValidatingPolicyKind = "NamespacedValidatingPolicy"
	PolicyExceptionKind            = "PolicyException"
	MutatingPolicyKind             = "MutatingPolicy"
	NamespacedMutatingPolicyKind   = "NamespacedMutatingPolicy"
)

// addKnownTypes registers every root type and its list with the scheme, under the storage version only: a type
// registered under several versions has no single kind for clients.
func addKnownTypes(scheme *runtime.Scheme) error {
	scheme.AddKnownTypes(SchemeGroupVersion,
		&ValidatingPolicy{}, &ValidatingPolicyList{},
		&NamespacedValidatingPolicy{}, &NamespacedValidatingPolicyList{},
		&PolicyException{}, &PolicyExceptionList{},
		&GeneratingPolicy{}, &GeneratingPolicyList{},
		&NamespacedGeneratingPolicy{}, &NamespacedGeneratingPolicyList{},
		&MutatingPolicy{}, &MutatingPolicyList{},
		&NamespacedMutatingPolicy{}, &NamespacedMutatingPolicyList{},
	)
	metav1.AddToGroupVersion(scheme, SchemeGroupVersion)
	return nil
}
