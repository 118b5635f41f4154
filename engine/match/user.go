package match

import (
	"fmt"
	"slices"
)

// Subject kinds understood in `subjects`.
const (
	subjectUser           = "User"
	subjectGroup          = "Group"
	subjectServiceAccount = "ServiceAccount"
)

// subjectMatcher is one compiled entry of `subjects`.
type subjectMatcher struct {
	raw   Subject
	group bool // matches a group of the requester, else the username
	name  pattern
}

// compileSubject turns a subject into a wildcard over the username or over
// the groups. A service account becomes the username
// system:serviceaccount:<namespace>:<name>.
func compileSubject(s Subject) (subjectMatcher, error) {
	switch s.Kind {
	case subjectUser:
		return subjectMatcher{raw: s, name: compilePattern(s.Name)}, nil
	case subjectGroup:
		return subjectMatcher{raw: s, group: true, name: compilePattern(s.Name)}, nil
	case subjectServiceAccount:
		user := "system:serviceaccount:" + s.Namespace + ":" + s.Name
		return subjectMatcher{raw: s, name: compilePattern(user)}, nil
	default:
		return subjectMatcher{}, fmt.Errorf("kind %q: want %s, %s or %s",
			s.Kind, subjectUser, subjectGroup, subjectServiceAccount)
	}
}

// match reports whether the subject designates the requester.
func (sm *subjectMatcher) match(u *UserInfo) bool {
	if !sm.group {
		return sm.name.match(u.Username)
	}
	for _, g := range u.Groups {
		if sm.name.match(g) {
			return true
		}
	}
	return false
}

// userFilter is the compiled user part of a filter.
type userFilter struct {
	subjects     []subjectMatcher
	roles        []string
	clusterRoles []string
}

// isEmpty reports whether the filter has no user condition.
func (uf *userFilter) isEmpty() bool {
	return len(uf.subjects) == 0 && len(uf.roles) == 0 && len(uf.clusterRoles) == 0
}

// check returns the first user condition that u does not meet.
func (uf *userFilter) check(u *UserInfo) failure {
	if len(uf.roles) > 0 && !sharesEntry(uf.roles, u.Roles) {
		return failRoles
	}
	if len(uf.clusterRoles) > 0 && !sharesEntry(uf.clusterRoles, u.ClusterRoles) {
		return failClusterRoles
	}
	if len(uf.subjects) > 0 && !uf.matchSubject(u) {
		return failSubjects
	}
	return failNone
}

// matchSubject reports whether one subject designates u.
func (uf *userFilter) matchSubject(u *UserInfo) bool {
	for i := range uf.subjects {
		if uf.subjects[i].match(u) {
			return true
		}
	}
	return false
}

// sharesEntry reports whether a and b have an entry in common.
func sharesEntry(a, b []string) bool {
	for _, x := range b {
		if slices.Contains(a, x) {
			return true
		}
	}
	return false
}
