package match

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// failure names the first condition of a filter that a resource does not
// meet; failNone means the filter holds.
type failure uint8

const (
	failNone failure = iota
	failEmpty
	failOperation
	failKind
	failName
	failNames
	failNamespace
	failAnnotations
	failSelector
	failNamespaceSelector
	failNamespaceLabelsUnknown
	failNamespaceObject
	failRoles
	failClusterRoles
	failSubjects
)

// isKnownOperation reports whether op is an admission operation.
func isKnownOperation(op string) bool {
	switch op {
	case "CREATE", "UPDATE", "DELETE", "CONNECT":
		return true
	}
	return false
}

// filter is a compiled Filter.
type filter struct {
	operations        []string
	kinds             kindSelectors
	anyKind           bool // kinds holds a literal "*"
	name              *pattern
	names             patterns
	namespaces        patterns
	annotations       pairPatterns
	selector          *labelSelector
	namespaceSelector *labelSelector
	user              userFilter
	emptyResource     bool // no resource condition at all
}

// compileFilter compiles f; errors name the field relative to the filter.
func compileFilter(f *Filter) (filter, error) {
	var out filter
	for i, op := range f.Operations {
		if !isKnownOperation(op) {
			return filter{}, fieldErr("operations["+strconv.Itoa(i)+"]",
				fmt.Errorf("operation %q: want CREATE, UPDATE, DELETE or CONNECT", op))
		}
	}
	out.operations = slices.Clone(f.Operations)
	for i, k := range f.Kinds {
		ks, err := compileKindSelector(k)
		if err != nil {
			return filter{}, fieldErr("kinds["+strconv.Itoa(i)+"]", err)
		}
		out.kinds = append(out.kinds, ks)
		out.anyKind = out.anyKind || k == "*"
	}
	if f.Name != "" {
		p := compilePattern(f.Name)
		out.name = &p
	}
	out.names = compilePatterns(f.Names)
	out.namespaces = compilePatterns(f.Namespaces)
	out.annotations = compilePairs(f.Annotations)
	var err error
	if out.selector, err = compileLabelSelector(f.Selector); err != nil {
		return filter{}, fieldErr("selector", err)
	}
	if out.namespaceSelector, err = compileLabelSelector(f.NamespaceSelector); err != nil {
		return filter{}, fieldErr("namespaceSelector", err)
	}
	if out.user, err = compileUserFilter(f); err != nil {
		return filter{}, err
	}
	out.emptyResource = len(out.operations) == 0 && len(out.kinds) == 0 && out.name == nil &&
		len(out.names) == 0 && len(out.namespaces) == 0 && len(out.annotations) == 0 &&
		out.selector == nil && out.namespaceSelector == nil
	return out, nil
}

// compileUserFilter compiles the subjects, roles and clusterRoles of f.
func compileUserFilter(f *Filter) (userFilter, error) {
	uf := userFilter{roles: slices.Clone(f.Roles), clusterRoles: slices.Clone(f.ClusterRoles)}
	for i, s := range f.Subjects {
		sm, err := compileSubject(s)
		if err != nil {
			return userFilter{}, fieldErr("subjects["+strconv.Itoa(i)+"]", err)
		}
		uf.subjects = append(uf.subjects, sm)
	}
	return uf, nil
}

// fieldErr wraps err with the name of the field it concerns.
func fieldErr(field string, err error) error {
	var fe *FieldError
	if errors.As(err, &fe) {
		return &FieldError{Field: field + "." + fe.Field, Err: fe.Err}
	}
	return &FieldError{Field: field, Err: err}
}

// check returns the first condition of the filter that r does not meet.
// With withUser false the user conditions are left out, as `match` does
// when the request carries no user information.
func (f *filter) check(r *Resource, withUser bool) failure {
	if f.emptyResource && (!withUser || f.user.isEmpty()) {
		return failEmpty
	}
	if fl := f.checkResource(r); fl != failNone {
		return fl
	}
	if withUser {
		return f.user.check(&r.UserInfo)
	}
	return failNone
}

// checkResource checks the resource conditions in Kyverno's order.
func (f *filter) checkResource(r *Resource) failure {
	if len(f.operations) > 0 && !slices.Contains(f.operations, r.Operation) {
		return failOperation
	}
	if len(f.kinds) > 0 && !f.kinds.matchAny(r) {
		return failKind
	}
	if f.name != nil && !f.name.match(r.Name) {
		return failName
	}
	if len(f.names) > 0 && !f.names.matchAny(r.Name) {
		return failNames
	}
	if len(f.namespaces) > 0 && !f.namespaces.matchAny(namespaceOf(r)) {
		return failNamespace
	}
	if len(f.annotations) > 0 && !f.annotations.matchAll(r.Annotations) {
		return failAnnotations
	}
	if f.selector != nil && !f.selector.match(r.Labels) {
		return failSelector
	}
	if f.namespaceSelector != nil {
		return f.checkNamespaceSelector(r)
	}
	return failNone
}

// checkNamespaceSelector evaluates namespaceSelector: never true for a
// Namespace object, skipped for an object without kind (unless kinds holds
// "*"), false when the namespace's labels are unknown.
func (f *filter) checkNamespaceSelector(r *Resource) failure {
	switch {
	case r.Kind == "Namespace":
		return failNamespaceObject
	case r.Kind == "" && !f.anyKind:
		return failNone
	case r.NamespaceLabels == nil && r.Namespace != "":
		return failNamespaceLabelsUnknown
	case !f.namespaceSelector.match(r.NamespaceLabels):
		return failNamespaceSelector
	}
	return failNone
}

// namespaceOf is the namespace `namespaces` is matched on: the object's
// namespace, or its own name for a Namespace.
func namespaceOf(r *Resource) string {
	if r.Kind == "Namespace" {
		return r.Name
	}
	return r.Namespace
}
