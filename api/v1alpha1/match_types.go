package v1alpha1

import (
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MatchResources selects resources and admission requests. Use any (OR) or
// all (AND) of resource filters; the top-level resources and user fields are
// the older form, equivalent to a single filter.
type MatchResources struct {
	// Any matches when at least one filter matches.
	// +optional
	Any ResourceFilters `json:"any,omitempty"`

	// All matches when every filter matches.
	// +optional
	All ResourceFilters `json:"all,omitempty"`

	// UserInfo is the older form of a user filter; prefer any/all.
	// +optional
	UserInfo `json:",inline"`

	// ResourceDescription is the older form of a resource filter; prefer any/all.
	// +optional
	ResourceDescription `json:"resources,omitempty"`
}

// IsEmpty reports whether no filter of any form is set.
func (m *MatchResources) IsEmpty() bool {
	return len(m.Any) == 0 && len(m.All) == 0 && m.UserInfo.IsEmpty() && m.ResourceDescription.IsEmpty()
}

// ResourceFilters is a list of ResourceFilter.
type ResourceFilters []ResourceFilter

// ResourceFilter matches a request by its user and by its resource.
type ResourceFilter struct {
	// UserInfo matches the user making the request.
	// +optional
	UserInfo `json:",inline"`

	// ResourceDescription matches the resource of the request.
	// +optional
	ResourceDescription `json:"resources,omitempty"`
}

// UserInfo matches the requesting user by roles, cluster roles or subjects.
type UserInfo struct {
	// Roles are namespaced roles, written namespace:name.
	// +optional
	Roles []string `json:"roles,omitempty"`

	// ClusterRoles are cluster role names.
	// +optional
	ClusterRoles []string `json:"clusterRoles,omitempty"`

	// Subjects are users, groups or service accounts.
	// +optional
	Subjects []rbacv1.Subject `json:"subjects,omitempty"`
}

// IsEmpty reports whether no user criterion is set.
func (u *UserInfo) IsEmpty() bool {
	return len(u.Roles) == 0 && len(u.ClusterRoles) == 0 && len(u.Subjects) == 0
}

// AdmissionOperation is an admission operation a rule can match.
// +kubebuilder:validation:Enum=CREATE;CONNECT;UPDATE;DELETE
type AdmissionOperation string

const (
	// Create matches CREATE requests.
	Create AdmissionOperation = "CREATE"
	// Update matches UPDATE requests.
	Update AdmissionOperation = "UPDATE"
	// Delete matches DELETE requests.
	Delete AdmissionOperation = "DELETE"
	// Connect matches CONNECT requests.
	Connect AdmissionOperation = "CONNECT"
)

// ResourceDescription matches resources. Every field that is set must match;
// names, namespaces, annotations and selector labels accept '*' and '?' wildcards.
type ResourceDescription struct {
	// Kinds are kinds, written Kind, group/version/Kind, version/Kind or
	// Kind/subresource; wildcards are allowed.
	// +optional
	Kinds []string `json:"kinds,omitempty"`

	// Name is a single resource name; deprecated in favour of names.
	// +optional
	Name string `json:"name,omitempty"`

	// Names are resource names.
	// +optional
	Names []string `json:"names,omitempty"`

	// Namespaces are namespace names.
	// +optional
	Namespaces []string `json:"namespaces,omitempty"`

	// Annotations must all be present with matching values.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// Selector matches the resource labels.
	// +optional
	Selector *metav1.LabelSelector `json:"selector,omitempty"`

	// NamespaceSelector matches the labels of the resource's namespace.
	// +optional
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`

	// Operations are the admission operations matched; all when empty.
	// +optional
	Operations []AdmissionOperation `json:"operations,omitempty"`
}

// IsEmpty reports whether no resource criterion is set.
func (d *ResourceDescription) IsEmpty() bool {
	return len(d.Kinds) == 0 && d.Name == "" && len(d.Names) == 0 && len(d.Namespaces) == 0 &&
		len(d.Annotations) == 0 && d.Selector == nil && d.NamespaceSelector == nil && len(d.Operations) == 0
}

// IsEmpty reports whether neither the user nor the resource criteria are set.
func (f *ResourceFilter) IsEmpty() bool {
	return f.UserInfo.IsEmpty() && f.ResourceDescription.IsEmpty()
}
