package match

import (
	"testing"
)

func TestMatchSubjects(t *testing.T) {
	sa := UserInfo{Username: "system:serviceaccount:ci:deployer", Groups: []string{"system:serviceaccounts"}}
	subjects := func(s ...Subject) Criteria { return anyOf(Filter{Subjects: s}) }
	runMatchCases(t, []matchCase{
		same("user", subjects(Subject{Kind: "User", Name: "alice"}), res("Pod"), true),
		same("user wildcard", subjects(Subject{Kind: "User", Name: "a*"}), res("Pod"), true),
		same("other user", subjects(Subject{Kind: "User", Name: "bob"}), res("Pod"), false),
		same("group", subjects(Subject{Kind: "Group", Name: "dev"}), res("Pod"), true),
		same("group wildcard", subjects(Subject{Kind: "Group", Name: "system:*"}), res("Pod"), true),
		same("other group", subjects(Subject{Kind: "Group", Name: "ops"}), res("Pod"), false),
		same("group named like the user", subjects(Subject{Kind: "Group", Name: "alice"}), res("Pod"), false),
		same("service account", subjects(Subject{Kind: "ServiceAccount", Name: "deployer", Namespace: "ci"}),
			res("Pod", by(sa)), true),
		same("service account wildcard", subjects(Subject{Kind: "ServiceAccount", Name: "*", Namespace: "c?"}),
			res("Pod", by(sa)), true),
		same("service account other namespace", subjects(Subject{Kind: "ServiceAccount", Name: "deployer", Namespace: "prod"}),
			res("Pod", by(sa)), false),
		same("service account as user name", subjects(Subject{Kind: "User", Name: "system:serviceaccount:ci:*"}),
			res("Pod", by(sa)), true),
		same("one of subjects", subjects(Subject{Kind: "User", Name: "bob"}, Subject{Kind: "Group", Name: "dev"}),
			res("Pod"), true),
	})
}

func TestMatchRoles(t *testing.T) {
	runMatchCases(t, []matchCase{
		same("role", anyOf(Filter{Roles: []string{"default:editor"}}), res("Pod"), true),
		same("one of roles", anyOf(Filter{Roles: []string{"x:y", "default:editor"}}), res("Pod"), true),
		same("other role", anyOf(Filter{Roles: []string{"default:admin"}}), res("Pod"), false),
		same("roles are not wildcards", anyOf(Filter{Roles: []string{"default:*"}}), res("Pod"), false),
		same("clusterRole", anyOf(Filter{ClusterRoles: []string{"view"}}), res("Pod"), true),
		same("other clusterRole", anyOf(Filter{ClusterRoles: []string{"cluster-admin"}}), res("Pod"), false),
		same("role and clusterRole both needed", anyOf(Filter{Roles: []string{"default:editor"}, ClusterRoles: []string{"admin"}}),
			res("Pod"), false),
		same("roles and subjects both needed", anyOf(Filter{Roles: []string{"default:editor"},
			Subjects: []Subject{{Kind: "User", Name: "bob"}}}), res("Pod"), false),
	})
}

func TestMatchWithoutUserInfo(t *testing.T) {
	userOnly := anyOf(Filter{ClusterRoles: []string{"view"}})
	podByBob := anyOf(Filter{Kinds: []string{"Pod"}, Subjects: []Subject{{Kind: "User", Name: "bob"}}})
	runMatchCases(t, []matchCase{
		{name: "user-only filter, user known", criteria: userOnly, resource: res("Pod"), wantMatch: true, wantExclude: true},
		{name: "user-only filter, background", criteria: userOnly, resource: res("Pod", background)},
		{name: "user part ignored by match in background", criteria: podByBob, resource: res("Pod", background),
			wantMatch: true, wantExclude: false},
		{name: "user part evaluated when known", criteria: podByBob, resource: res("Pod")},
		{name: "uid alone is user info", criteria: podByBob, resource: res("Pod", by(UserInfo{UID: "1"}))},
	})
}

func TestAnyAll(t *testing.T) {
	pod, inDefault, inKube := kinds("Pod"), Filter{Namespaces: []string{"default"}}, Filter{Namespaces: []string{"kube-*"}}
	runMatchCases(t, []matchCase{
		same("any: one holds", anyOf(kinds("Deployment"), pod), res("Pod"), true),
		same("any: none holds", anyOf(kinds("Deployment"), inKube), res("Pod"), false),
		same("all: every one holds", allOf(pod, inDefault), res("Pod"), true),
		same("all: one fails", allOf(pod, inKube), res("Pod"), false),
		same("all: one filter (legacy form)", allOf(pod), res("Pod"), true),
		same("empty criteria", Criteria{}, res("Pod"), false),
		same("any: empty filter", anyOf(Filter{}), res("Pod"), false),
		same("any: empty filter beside one that holds", anyOf(Filter{}, pod), res("Pod"), true),
		same("all: empty filter", allOf(pod, Filter{}), res("Pod"), false),
		same("empty lists are empty", anyOf(Filter{Kinds: []string{}, Names: []string{}}), res("Pod"), false),
	})
}

func TestNilMatcher(t *testing.T) {
	var m *Matcher
	r := res("Pod")
	if m.Matches(&r) || m.Excludes(&r) || !m.IsEmpty() {
		t.Fatal("a nil Matcher must match and exclude nothing")
	}
}
