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

// viewClusterRole is the ClusterRole aggregated from the built-in view role, for apiCall context entries.
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

func TestBindingsNameTheServiceAccount(t *testing.T) {
	objects := renderDefault(t)
	want := []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: bylawName, Namespace: bylawNamespace}}
	find[corev1.ServiceAccount](t, objects, "ServiceAccount", bylawName)
	bindings := map[string][]rbacv1.Subject{}
	for _, b := range all[rbacv1.ClusterRoleBinding](objects, "ClusterRoleBinding") {
		bindings["ClusterRoleBinding/"+b.Name] = b.Subjects
	}
	for _, b := range all[rbacv1.RoleBinding](objects, "RoleBinding") {
		bindings["RoleBinding/"+b.Name] = b.Subjects
	}
	assert.Len(t, bindings, 4)
	for name, subjects := range bindings {
		assert.Equal(t, want, subjects, name)
	}
	assert.Equal(t, bylawName, find[appsv1.Deployment](t, objects, "Deployment", bylawName).Spec.Template.Spec.ServiceAccountName)
}

// request is one API request of the ServiceAccount; namespace "" is a cluster-wide request.
type request struct {
	verb, group, resource, name, namespace string
}

// grantedRules gathers the rules bound to the ServiceAccount that apply to requests in namespace; every binding names
// only that ServiceAccount (TestBindingsNameTheServiceAccount).
func grantedRules(t *testing.T, objects []object, namespace string) []rbacv1.PolicyRule {
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
		rules = append(rules, roleRules(b.RoleRef, "")...)
	}
	for _, b := range all[rbacv1.RoleBinding](objects, "RoleBinding") {
		if namespace != "" && b.Namespace == namespace {
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
		{request{verb: "watch", resource: "configmaps"}, true},
		{request{verb: "watch", resource: "namespaces"}, true},
		{request{verb: "create", resource: "events", namespace: "team-a"}, true},
		{request{verb: "patch", group: "events.k8s.io", resource: "events", namespace: "team-a"}, true},
		{request{verb: "create", group: admission, resource: "validatingwebhookconfigurations"}, true},
		{request{verb: "update", group: admission, resource: "validatingwebhookconfigurations", name: "bylaw-validating"}, true},
		{request{verb: "delete", group: admission, resource: "mutatingwebhookconfigurations", name: "bylaw-mutating"}, true},
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
		{request{verb: "create", group: "authentication.k8s.io", resource: "tokenreviews"}, true},
		{request{verb: "create", group: "authorization.k8s.io", resource: "subjectaccessreviews"}, true},
		{request{verb: "create", group: "authorization.k8s.io", resource: "selfsubjectaccessreviews"}, false},
		{request{verb: "escalate", group: "rbac.authorization.k8s.io", resource: "clusterroles", name: viewClusterRole}, false},
		{request{verb: "impersonate", resource: "serviceaccounts", name: "default", namespace: "team-a"}, false},
	}
	objects := renderDefault(t)
	for _, tt := range tests {
		name := strings.Join([]string{tt.verb, tt.group, tt.resource, tt.name, tt.namespace}, "/")
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tt.allowed, allows(grantedRules(t, objects, tt.namespace), tt.request))
		})
	}
}
