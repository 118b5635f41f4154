package match

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// UserInfo describes who sent an admission request.
type UserInfo struct {
	Username string
	UID      string
	Groups   []string
	// Roles are the namespaced roles bound to the requester, as "namespace:name".
	Roles []string
	// ClusterRoles are the cluster roles bound to the requester, by name.
	ClusterRoles []string
}

// IsEmpty reports whether u carries no information, as in a background scan.
func (u *UserInfo) IsEmpty() bool {
	return u.Username == "" && u.UID == "" && len(u.Groups) == 0 &&
		len(u.Roles) == 0 && len(u.ClusterRoles) == 0
}

// Subject is a user, group or service account, like rbacv1.Subject.
type Subject struct {
	Kind      string // User, Group or ServiceAccount
	Name      string
	Namespace string // for ServiceAccount
	APIGroup  string
}

// Filter is one resource filter of a match or exclude block: Kyverno's
// ResourceDescription and UserInfo side by side.
type Filter struct {
	Kinds             []string
	Name              string
	Names             []string
	Namespaces        []string
	Annotations       map[string]string
	Selector          *metav1.LabelSelector
	NamespaceSelector *metav1.LabelSelector
	Operations        []string

	Subjects     []Subject
	Roles        []string
	ClusterRoles []string
}

// Criteria is a match or exclude block. The legacy top-level form
// (match.resources, match.subjects, ...) is given as All with one filter.
type Criteria struct {
	Any []Filter
	All []Filter
}

// Resource is what a request or a scanned object offers to matching.
type Resource struct {
	// Group, Version and Kind of the resource; for a subresource request, of
	// the parent resource (pods/exec: "", "v1", "Pod").
	Group, Version, Kind string
	// Subresource of the request: "" for none, or e.g. "status", "exec".
	Subresource string
	// Resource is the plural resource name of the request ("pods"); when empty it is derived from Kind.
	Resource string
	// Name of the object (its generateName when the name is empty).
	Name      string
	Namespace string

	Labels      map[string]string
	Annotations map[string]string
	// NamespaceLabels are the labels of the object's namespace; nil when
	// unknown.
	NamespaceLabels map[string]string

	// Operation is CREATE, UPDATE, DELETE or CONNECT.
	Operation string
	UserInfo  UserInfo
}

// FieldError names the criteria field that failed to compile, such as
// "any[1].kinds[0]".
type FieldError struct {
	Field string
	Err   error
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *FieldError) Unwrap() error { return e.Err }
