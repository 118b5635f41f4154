package manifests_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// viewClusterRole is the ClusterRole aggregated from the built-in view role, for the background scanner.
const viewClusterRole = "bylaw:view"

// metricsReaderRole is what scrapers of /metrics and /status are bound to; the manifests bind it to nobody.
const metricsReaderRole = "bylaw-metrics-reader"

func TestMetricsReaderClusterRole(t *testing.T) {
	objects := renderDefault(t)
	role := find[rbacv1.ClusterRole](t, objects, "ClusterRole", metricsReaderRole)
	assert.Equal(t, []rbacv1.PolicyRule{{NonResourceURLs: []string{"/metrics", "/status"}, Verbs: []string{"get"}}}, role.Rules)
	assert.Nil(t, role.AggregationRule)
	for _, b := range all[rbacv1.ClusterRoleBinding](objects, "ClusterRoleBinding") {
		assert.NotEqual(t, metricsReaderRole, b.RoleRef.Name, "binding %s: who scrapes is the operator's choice", b.Name)
	}
	for _, b := range all[rbacv1.RoleBinding](objects, "RoleBinding") {
		assert.NotEqual(t, metricsReaderRole, b.RoleRef.Name, "binding %s", b.Name)
	}
}

// contextName is the ServiceAccount that apiCall context entries impersonate, and its ClusterRole and binding.
const contextName = "bylaw-context"

// account is the subject of a ServiceAccount in Bylaw's namespace: bylaw or bylaw-context, the two the bindings name.
func account(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: name, Namespace: bylawNamespace}
}

func TestRolesHaveNoWildcardsAndClusterRolesNoSecrets(t *testing.T) {
	objects := renderDefault(t)
	check := func(t *testing.T, role metav1.ObjectMeta, rules []rbacv1.PolicyRule, clusterWide bool) {
		for _, rule := range rules {
			for _, list := range [][]string{rule.APIGroups, rule.Resources, rule.Verbs, rule.ResourceNames} {
				assert.NotContains(t, list, rbacv1.ResourceAll, "no wildcards")
			}
			if role.Name != metricsReaderRole {
				assert.Empty(t, rule.NonResourceURLs)
			}
			if clusterWide {
				assert.NotContains(t, rule.Resources, "secrets", "secrets only through the Role in %s", bylawNamespace)
			}
		}
	}
	for _, role := range all[rbacv1.ClusterRole](objects, "ClusterRole") {
		t.Run(role.Name, func(t *testing.T) { check(t, role.ObjectMeta, role.Rules, true) })
	}
	for _, role := range all[rbacv1.Role](objects, "Role") {
		t.Run(role.Name, func(t *testing.T) { check(t, role.ObjectMeta, role.Rules, false) })
	}
}

func TestViewClusterRoleAggregatesOnlyView(t *testing.T) {
	role := find[rbacv1.ClusterRole](t, renderDefault(t), "ClusterRole", viewClusterRole)
	assert.Empty(t, role.Rules, "the controller manager fills in the rules")
	require.NotNil(t, role.AggregationRule)
	require.Len(t, role.AggregationRule.ClusterRoleSelectors, 1)
	selector := role.AggregationRule.ClusterRoleSelectors[0]
	assert.Empty(t, selector.MatchExpressions)
	assert.Equal(t, map[string]string{"rbac.authorization.k8s.io/aggregate-to-view": "true"}, selector.MatchLabels,
		"view holds no secrets; edit and admin do")
	for key := range role.Labels {
		assert.False(t, strings.HasPrefix(key, "rbac.authorization.k8s.io/aggregate-to-"), "%s must not aggregate into another role", key)
	}
}

func TestContextClusterRoleAggregatesViewAndItsOwnLabel(t *testing.T) {
	objects := renderDefault(t)
	role := find[rbacv1.ClusterRole](t, objects, "ClusterRole", contextName)
	assert.Empty(t, role.Rules, "the controller manager fills in the rules")
	require.NotNil(t, role.AggregationRule)
	var selectors []map[string]string
	for _, sel := range role.AggregationRule.ClusterRoleSelectors {
		assert.Empty(t, sel.MatchExpressions)
		selectors = append(selectors, sel.MatchLabels)
	}
	assert.Equal(t, []map[string]string{{"rbac.authorization.k8s.io/aggregate-to-view": "true"},
		{"rbac.bylaw.dev/aggregate-to-context": "true"}}, selectors, "view holds no secrets; edit and admin do")
	assert.Empty(t, role.Labels)
	assert.Empty(t, aggregatedRules(objects, role), "no shipped role widens the context identity")
	sa := find[corev1.ServiceAccount](t, objects, "ServiceAccount", contextName)
	require.NotNil(t, sa.AutomountServiceAccountToken)
	assert.False(t, *sa.AutomountServiceAccountToken)
}

func TestBindingsNameTheServiceAccounts(t *testing.T) {
	objects := renderDefault(t)
	find[corev1.ServiceAccount](t, objects, "ServiceAccount", bylawName)
	bindings := map[string][]rbacv1.Subject{}
	for _, b := range all[rbacv1.ClusterRoleBinding](objects, "ClusterRoleBinding") {
		bindings["ClusterRoleBinding/"+b.Name] = b.Subjects
	}
	for _, b := range all[rbacv1.RoleBinding](objects, "RoleBinding") {
		bindings["RoleBinding/"+b.Name] = b.Subjects
	}
	assert.Len(t, bindings, 6)
	for name, subjects := range bindings {
		want := []rbacv1.Subject{account(bylawName)}
		if name == "ClusterRoleBinding/"+contextName {
			want = []rbacv1.Subject{account(contextName)}
		}
		assert.Equal(t, want, subjects, name)
	}
	assert.Equal(t, bylawName, find[appsv1.Deployment](t, objects, "Deployment", bylawName).Spec.Template.Spec.ServiceAccountName)
}

// request is one API request of the ServiceAccount; namespace "" is a cluster-wide request.
type request struct {
	verb, group, resource, name, namespace string
}

// grantedRules gathers the rules bound to subject that apply to requests in namespace; every binding names one
// ServiceAccount (TestBindingsNameTheServiceAccounts).
func grantedRules(t *testing.T, objects []object, subject rbacv1.Subject, namespace string) []rbacv1.PolicyRule {
	t.Helper()
	roleRules := func(ref rbacv1.RoleRef, bindingNamespace string) []rbacv1.PolicyRule {
		if ref.Kind == "ClusterRole" {
			role := find[rbacv1.ClusterRole](t, objects, "ClusterRole", ref.Name)
			return append(slices.Clone(role.Rules), aggregatedRules(objects, role)...)
		}
		role := find[rbacv1.Role](t, objects, "Role", ref.Name)
		require.Equal(t, bindingNamespace, role.Namespace, "Role %s", ref.Name)
		return role.Rules
	}
	var rules []rbacv1.PolicyRule
	for _, b := range all[rbacv1.ClusterRoleBinding](objects, "ClusterRoleBinding") {
		if slices.Contains(b.Subjects, subject) {
			rules = append(rules, roleRules(b.RoleRef, "")...)
		}
	}
	for _, b := range all[rbacv1.RoleBinding](objects, "RoleBinding") {
		if namespace != "" && b.Namespace == namespace && slices.Contains(b.Subjects, subject) {
			rules = append(rules, roleRules(b.RoleRef, b.Namespace)...)
		}
	}
	return rules
}

// aggregatedRules are the rules the controller manager aggregates into role: those of every ClusterRole in objects
// whose labels one of its selectors matches (the built-in roles bylaw:view aggregates are not among them).
func aggregatedRules(objects []object, role *rbacv1.ClusterRole) []rbacv1.PolicyRule {
	if role.AggregationRule == nil {
		return nil
	}
	var rules []rbacv1.PolicyRule
	for _, other := range all[rbacv1.ClusterRole](objects, "ClusterRole") {
		for _, sel := range role.AggregationRule.ClusterRoleSelectors {
			if labelsMatch(sel.MatchLabels, other.Labels) {
				rules = append(rules, other.Rules...)
				break
			}
		}
	}
	return rules
}

func labelsMatch(want, have map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return len(want) > 0
}

// allows tells whether one of the rules allows the request, as the RBAC authorizer decides.
func allows(rules []rbacv1.PolicyRule, r request) bool {
	match := func(list []string, value string) bool {
		return slices.Contains(list, value) || slices.Contains(list, rbacv1.ResourceAll)
	}
	for _, rule := range rules {
		if !match(rule.Verbs, r.verb) || !match(rule.APIGroups, r.group) || !match(rule.Resources, r.resource) {
			continue
		}
		if len(rule.ResourceNames) == 0 || (r.name != "" && slices.Contains(rule.ResourceNames, r.name)) {
			return true
		}
	}
	return false
}

func TestServiceAccountPermissions(t *testing.T) {
	const admission = "admissionregistration.k8s.io"
	tests := []struct {
		request
		allowed bool
	}{
		{request{verb: "list", group: "bylaw.dev", resource: "clusterpolicies"}, true},
		{request{verb: "watch", group: "bylaw.dev", resource: "policies"}, true},
		{request{verb: "watch", group: "bylaw.dev", resource: "policyexceptions"}, true},
		{request{verb: "patch", group: "bylaw.dev", resource: "policies/status", namespace: "team-a"}, true},
		{request{verb: "update", group: "bylaw.dev", resource: "clusterpolicies/status"}, true},
		{request{verb: "watch", group: "policies.kyverno.io", resource: "validatingpolicies"}, true},
		{request{verb: "list", group: "policies.kyverno.io", resource: "namespacedvalidatingpolicies"}, true},
		{request{verb: "watch", group: "policies.kyverno.io", resource: "policyexceptions"}, true},
		{request{verb: "patch", group: "policies.kyverno.io", resource: "validatingpolicies/status"}, true},
		{request{verb: "update", group: "policies.kyverno.io", resource: "namespacedvalidatingpolicies/status", namespace: "team-a"}, true},
		{request{verb: "patch", group: "policies.kyverno.io", resource: "policyexceptions/status", namespace: "team-a"}, true},
		{request{verb: "watch", group: "policies.kyverno.io", resource: "mutatingpolicies"}, true},
		{request{verb: "list", group: "policies.kyverno.io", resource: "namespacedmutatingpolicies"}, true},
		{request{verb: "patch", group: "policies.kyverno.io", resource: "mutatingpolicies/status"}, true},
		{request{verb: "update", group: "policies.kyverno.io", resource: "namespacedmutatingpolicies/status", namespace: "team-a"}, true},
		{request{verb: "update", group: "policies.kyverno.io", resource: "mutatingpolicies", name: "p"}, false},
		{request{verb: "update", group: "policies.kyverno.io", resource: "validatingpolicies", name: "p"}, false},
		{request{verb: "watch", group: "policies.kyverno.io", resource: "generatingpolicies"}, true},
		{request{verb: "list", group: "policies.kyverno.io", resource: "namespacedgeneratingpolicies"}, true},
		{request{verb: "patch", group: "policies.kyverno.io", resource: "generatingpolicies/status"}, true},
		{request{verb: "update", group: "policies.kyverno.io", resource: "namespacedgeneratingpolicies/status", namespace: "team-a"}, true},
		{request{verb: "update", group: "policies.kyverno.io", resource: "generatingpolicies", name: "p"}, false},
		{request{verb: "delete", group: "policies.kyverno.io", resource: "policyexceptions", name: "x", namespace: "team-a"}, false},
		{request{verb: "watch", group: "policies.kyverno.io", resource: "deletingpolicies"}, true},
		{request{verb: "list", group: "policies.kyverno.io", resource: "namespaceddeletingpolicies"}, true},
		{request{verb: "patch", group: "policies.kyverno.io", resource: "deletingpolicies/status"}, true},
		{request{verb: "patch", group: "policies.kyverno.io", resource: "namespaceddeletingpolicies/status", namespace: "team-a"}, true},
		{request{verb: "update", group: "policies.kyverno.io", resource: "deletingpolicies", name: "p"}, false},
		// The cleanup controller deletes Pods and Jobs by default (bylaw:cleanup-default), nothing else.
		{request{verb: "delete", resource: "pods", name: "p", namespace: "team-a"}, true},
		{request{verb: "delete", group: "batch", resource: "jobs", name: "j", namespace: "team-a"}, true},
		{request{verb: "deletecollection", resource: "pods", namespace: "team-a"}, false},
		{request{verb: "delete", group: "apps", resource: "deployments", name: "d", namespace: "team-a"}, false},
		{request{verb: "delete", resource: "namespaces", name: "team-a"}, false},
		{request{verb: "delete", resource: "secrets", name: "s", namespace: "team-a"}, false},
		{request{verb: "watch", resource: "configmaps"}, true},
		{request{verb: "watch", resource: "namespaces"}, true},
		{request{verb: "create", resource: "events", namespace: "team-a"}, true},
		{request{verb: "patch", group: "events.k8s.io", resource: "events", namespace: "team-a"}, true},
		{request{verb: "create", group: admission, resource: "validatingwebhookconfigurations"}, true},
		{request{verb: "update", group: admission, resource: "validatingwebhookconfigurations", name: "bylaw-validating"}, true},
		{request{verb: "delete", group: admission, resource: "mutatingwebhookconfigurations", name: "bylaw-mutating"}, true},
		{request{verb: "update", group: admission, resource: "mutatingwebhookconfigurations", name: "bylaw-monitor"}, true},
		{request{verb: "delete", group: admission, resource: "mutatingwebhookconfigurations", name: "bylaw-monitor"}, true},
		{request{verb: "watch", group: admission, resource: "mutatingwebhookconfigurations"}, true},
		{request{verb: "get", group: "coordination.k8s.io", resource: "leases", name: "bylaw-webhook-monitor-bylaw-0", namespace: bylawNamespace}, true},
		{request{verb: "update", group: "coordination.k8s.io", resource: "leases", name: "bylaw-webhook-monitor-bylaw-0", namespace: bylawNamespace}, true},
		{request{verb: "deletecollection", group: "coordination.k8s.io", resource: "leases", namespace: bylawNamespace}, true},
		{request{verb: "deletecollection", group: "coordination.k8s.io", resource: "leases", namespace: "team-a"}, false},
		{request{verb: "get", resource: "secrets", name: "bylaw-webhook-tls", namespace: bylawNamespace}, true},
		{request{verb: "watch", resource: "secrets", namespace: bylawNamespace}, true},
		{request{verb: "create", resource: "secrets", namespace: bylawNamespace}, true},
		{request{verb: "update", resource: "secrets", name: "bylaw-webhook-tls", namespace: bylawNamespace}, true},
		{request{verb: "create", group: "coordination.k8s.io", resource: "leases", namespace: bylawNamespace}, true},
		{request{verb: "update", group: "coordination.k8s.io", resource: "leases", name: "bylaw-leader", namespace: bylawNamespace}, true},
		{request{verb: "watch", group: "bylaw.dev", resource: "gitsources", namespace: bylawNamespace}, true},
		{request{verb: "patch", group: "bylaw.dev", resource: "gitsources/status", name: "platform", namespace: bylawNamespace}, true},
		{request{verb: "list", group: "bylaw.dev", resource: "gitsources", namespace: "team-a"}, false},
		{request{verb: "watch", group: "bylaw.dev", resource: "reportsinks", namespace: bylawNamespace}, true},
		{request{verb: "patch", group: "bylaw.dev", resource: "reportsinks/status", name: "archive", namespace: bylawNamespace}, true},
		{request{verb: "list", group: "bylaw.dev", resource: "reportsinks", namespace: "team-a"}, false},
		{request{verb: "update", group: "bylaw.dev", resource: "reportsinks", name: "archive", namespace: bylawNamespace}, false},
		{request{verb: "update", group: "bylaw.dev", resource: "gitsources", name: "platform", namespace: bylawNamespace}, false},
		{request{verb: "get", resource: "secrets", name: "db", namespace: "team-a"}, false},
		{request{verb: "list", resource: "secrets"}, false},
		{request{verb: "delete", resource: "secrets", name: "bylaw-webhook-tls", namespace: bylawNamespace}, false},
		{request{verb: "update", group: "coordination.k8s.io", resource: "leases", name: "bylaw-leader", namespace: "team-a"}, false},
		{request{verb: "update", group: "bylaw.dev", resource: "clusterpolicies", name: "p"}, false},
		{request{verb: "delete", group: "bylaw.dev", resource: "policies", name: "p", namespace: "team-a"}, false},
		{request{verb: "update", group: admission, resource: "validatingwebhookconfigurations", name: "other"}, false},
		{request{verb: "delete", group: admission, resource: "mutatingwebhookconfigurations", name: "other"}, false},
		{request{verb: "update", resource: "configmaps", name: "c", namespace: "team-a"}, true},
		{request{verb: "create", group: "bylaw.dev", resource: "generaterequests", namespace: bylawNamespace}, true},
		{request{verb: "delete", group: "bylaw.dev", resource: "generaterequests", name: "gr-1", namespace: bylawNamespace}, true},
		{request{verb: "patch", group: "bylaw.dev", resource: "generaterequests/status", name: "gr-1", namespace: bylawNamespace}, true},
		{request{verb: "create", group: "bylaw.dev", resource: "generaterequests", namespace: "team-a"}, false},
		{request{verb: "create", group: "bylaw.dev", resource: "auditresults", namespace: bylawNamespace}, true},
		{request{verb: "delete", group: "bylaw.dev", resource: "auditresults", name: "ar-1", namespace: bylawNamespace}, true},
		{request{verb: "create", group: "bylaw.dev", resource: "auditresults", namespace: "team-a"}, false},
		{request{verb: "create", group: "networking.k8s.io", resource: "networkpolicies", namespace: "team-a"}, true},
		{request{verb: "delete", resource: "configmaps", name: "c", namespace: "team-a"}, true},
		{request{verb: "patch", resource: "limitranges", name: "l", namespace: "team-a"}, true},
		{request{verb: "create", resource: "resourcequotas", namespace: "team-a"}, true},
		{request{verb: "create", resource: "secrets", namespace: "team-a"}, false},
		{request{verb: "create", group: "apps", resource: "deployments", namespace: "team-a"}, false},
		{request{verb: "create", resource: "pods", namespace: bylawNamespace}, false},
		{request{verb: "patch", group: "wgpolicyk8s.io", resource: "policyreports", name: "bylaw-polr", namespace: "team-a"}, true},
		{request{verb: "create", group: "wgpolicyk8s.io", resource: "clusterpolicyreports"}, true},
		{request{verb: "delete", group: "wgpolicyk8s.io", resource: "policyreports", name: "bylaw-polr", namespace: "team-a"}, true},
		{request{verb: "list", group: "wgpolicyk8s.io", resource: "clusterpolicyreports"}, true},
		{request{verb: "update", group: "wgpolicyk8s.io", resource: "policyreports/status", namespace: "team-a"}, false},
		{request{verb: "patch", group: "openreports.io", resource: "reports", name: "bylaw-polr", namespace: "team-a"}, true},
		{request{verb: "create", group: "openreports.io", resource: "clusterreports"}, true},
		{request{verb: "delete", group: "openreports.io", resource: "reports", name: "bylaw-polr", namespace: "team-a"}, true},
		{request{verb: "list", group: "openreports.io", resource: "clusterreports"}, true},
		{request{verb: "list", group: "openreports.io", resource: "reports"}, true},
		{request{verb: "update", group: "openreports.io", resource: "reports/status", namespace: "team-a"}, false},
		{request{verb: "create", group: "authentication.k8s.io", resource: "tokenreviews"}, true},
		{request{verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews"}, true},
		{request{verb: "create", group: "authorization.k8s.io", resource: "selfsubjectaccessreviews"}, false},
		{request{verb: "escalate", group: "rbac.authorization.k8s.io", resource: "clusterroles", name: viewClusterRole}, false},
		{request{verb: "impersonate", resource: "serviceaccounts", name: "default", namespace: "team-a"}, false},
		{request{verb: "impersonate", resource: "serviceaccounts", name: contextName, namespace: bylawNamespace}, true},
		{request{verb: "impersonate", resource: "serviceaccounts", name: contextName, namespace: "team-a"}, false},
		{request{verb: "impersonate", resource: "serviceaccounts", name: bylawName, namespace: bylawNamespace}, false},
		{request{verb: "impersonate", resource: "serviceaccounts", namespace: bylawNamespace}, false},
		{request{verb: "impersonate", resource: "users", name: "system:serviceaccount:bylaw-system:bylaw-context"}, false},
		{request{verb: "impersonate", resource: "groups", name: "system:masters"}, false},
	}
	objects := renderDefault(t)
	for _, tt := range tests {
		name := strings.Join([]string{tt.verb, tt.group, tt.resource, tt.name, tt.namespace}, "/")
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.allowed, allows(grantedRules(t, objects, account(bylawName), tt.namespace), tt.request))
		})
	}
}

// The context identity holds nothing of its own in the manifests: no Role, no Secrets, no write; its read rights
// are those the controller manager aggregates from view (shown on a real API server by server's
// TestContextCallsImpersonateTheContextServiceAccount).
func TestContextServiceAccountPermissions(t *testing.T) {
	objects := renderDefault(t)
	for _, r := range []request{
		{verb: "get", resource: "secrets", name: "bylaw-webhook-tls", namespace: bylawNamespace},
		{verb: "list", resource: "secrets"},
		{verb: "get", resource: "configmaps", name: "c", namespace: "team-a"},
		{verb: "create", group: "bylaw.dev", resource: "generaterequests", namespace: bylawNamespace},
		{verb: "impersonate", resource: "serviceaccounts", name: bylawName, namespace: bylawNamespace},
	} {
		name := strings.Join([]string{r.verb, r.group, r.resource, r.name, r.namespace}, "/")
		t.Run(name, func(t *testing.T) {
			assert.False(t, allows(grantedRules(t, objects, account(contextName), r.namespace), r))
		})
	}
}
