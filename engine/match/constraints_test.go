package match

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func rule(groups, versions, resources []string, ops ...admissionregistrationv1.OperationType) admissionregistrationv1.NamedRuleWithOperations {
	return admissionregistrationv1.NamedRuleWithOperations{RuleWithOperations: admissionregistrationv1.RuleWithOperations{
		Operations: ops,
		Rule:       admissionregistrationv1.Rule{APIGroups: groups, APIVersions: versions, Resources: resources},
	}}
}

func scoped(r admissionregistrationv1.NamedRuleWithOperations, scope admissionregistrationv1.ScopeType) admissionregistrationv1.NamedRuleWithOperations {
	r.Scope = &scope
	return r
}

func TestConstraintsMatches(t *testing.T) {
	core := []string{""}
	v1 := []string{"v1"}
	pods := rule(core, v1, []string{"pods"}, admissionregistrationv1.Create, admissionregistrationv1.Update)
	exact := admissionregistrationv1.Exact
	pod := Resource{Version: "v1", Kind: "Pod", Name: "p", Namespace: "ns", Operation: "CREATE", Labels: map[string]string{"app": "web"},
		NamespaceLabels: map[string]string{"env": "prod"}}
	with := func(mod func(*Resource)) Resource { r := pod; mod(&r); return r }
	deploy := Resource{Group: "extensions", Version: "v1beta1", Kind: "Deployment", Namespace: "ns", Operation: "CREATE"}
	cases := []struct {
		name string
		m    *admissionregistrationv1.MatchResources
		r    Resource
		want bool
	}{
		{"nil constraints select nothing", nil, pod, false},
		{"pods on CREATE", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods}}, pod, true},
		{"operation not listed", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods}},
			with(func(r *Resource) { r.Operation = "DELETE" }), false},
		{"operation wildcard", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule(core, v1, []string{"pods"}, admissionregistrationv1.OperationAll)}}, with(func(r *Resource) { r.Operation = "DELETE" }), true},
		{"resource from the request wins over the kind", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods}},
			with(func(r *Resource) { r.Resource = "services" }), false},
		{"a subresource request is not the resource", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods}},
			with(func(r *Resource) { r.Subresource = "exec" }), false},
		{"pods/exec selects exec", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule(core, v1, []string{"pods/exec"}, admissionregistrationv1.Create)}}, with(func(r *Resource) { r.Subresource = "exec" }), true},
		{"pods/exec does not select pods", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule(core, v1, []string{"pods/exec"}, admissionregistrationv1.Create)}}, pod, false},
		{"pods/* selects any subresource", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule(core, v1, []string{"pods/*"}, admissionregistrationv1.Create)}}, with(func(r *Resource) { r.Subresource = "status" }), true},
		{"*/status selects status of anything", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule([]string{"*"}, []string{"*"}, []string{"*/status"}, admissionregistrationv1.Create)}}, with(func(r *Resource) { r.Subresource = "status" }), true},
		{"* does not select subresources", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule([]string{"*"}, []string{"*"}, []string{"*"}, admissionregistrationv1.Create)}}, with(func(r *Resource) { r.Subresource = "status" }), false},
		{"*/* selects everything", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule([]string{"*"}, []string{"*"}, []string{"*/*"}, admissionregistrationv1.Create)}}, with(func(r *Resource) { r.Subresource = "status" }), true},
		{"another group", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule([]string{"apps"}, v1, []string{"pods"}, admissionregistrationv1.Create)}}, pod, false},
		{"Equivalent (default): another version matches", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule(core, []string{"v2"}, []string{"pods"}, admissionregistrationv1.Create)}}, pod, true},
		{"Exact: another version does not", &admissionregistrationv1.MatchResources{MatchPolicy: &exact, ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule(core, []string{"v2"}, []string{"pods"}, admissionregistrationv1.Create)}}, pod, false},
		{"Equivalent: extensions Deployments match apps", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule([]string{"apps"}, v1, []string{"deployments"}, admissionregistrationv1.Create)}}, deploy, true},
		{"Exact: extensions Deployments do not match apps", &admissionregistrationv1.MatchResources{MatchPolicy: &exact, ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule([]string{"apps"}, v1, []string{"deployments"}, admissionregistrationv1.Create)}}, deploy, false},
		{"scope Cluster skips namespaced", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			scoped(pods, admissionregistrationv1.ClusterScope)}}, pod, false},
		{"scope Namespaced keeps namespaced", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			scoped(pods, admissionregistrationv1.NamespacedScope)}}, pod, true},
		{"exclude removes", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods},
			ExcludeResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods}}, pod, false},
		{"exclude by resourceNames removes only that name", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods},
			ExcludeResourceRules: []admissionregistrationv1.NamedRuleWithOperations{func() admissionregistrationv1.NamedRuleWithOperations {
				r := pods
				r.ResourceNames = []string{"other"}
				return r
			}()}}, pod, true},
		{"objectSelector holds", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods},
			ObjectSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}}}, pod, true},
		{"objectSelector fails", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods},
			ObjectSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "db"}}}, pod, false},
		{"namespaceSelector on the namespace's labels", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{pods},
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "dev"}}}, pod, false},
		{"namespaceSelector ignores other cluster-scoped resources", &admissionregistrationv1.MatchResources{
			ResourceRules:     []admissionregistrationv1.NamedRuleWithOperations{rule([]string{"rbac.authorization.k8s.io"}, v1, []string{"clusterroles"}, admissionregistrationv1.Create)},
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "dev"}}},
			Resource{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole", Operation: "CREATE"}, true},
		{"namespaceSelector on a Namespace's own labels", &admissionregistrationv1.MatchResources{
			ResourceRules:     []admissionregistrationv1.NamedRuleWithOperations{rule(core, v1, []string{"namespaces"}, admissionregistrationv1.Create)},
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": "dev"}}},
			Resource{Version: "v1", Kind: "Namespace", Name: "team", Operation: "CREATE", Labels: map[string]string{"env": "dev"}}, true},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			c, err := CompileConstraints(tt.m)
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.Matches(&tt.r))
		})
	}
}

func TestCompileConstraintsErrors(t *testing.T) {
	bad := admissionregistrationv1.ScopeType("Everywhere")
	cases := []struct {
		name  string
		m     *admissionregistrationv1.MatchResources
		field string
	}{
		{"empty resource", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule([]string{""}, []string{"v1"}, []string{""})}}, "resourceRules[0]"},
		{"bad subresource form", &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			rule([]string{""}, []string{"v1"}, []string{"pods/"})}}, "resourceRules[0]"},
		{"bad scope", &admissionregistrationv1.MatchResources{ExcludeResourceRules: []admissionregistrationv1.NamedRuleWithOperations{
			scoped(rule([]string{""}, []string{"v1"}, []string{"pods"}), bad)}}, "excludeResourceRules[0]"},
		{"bad selector", &admissionregistrationv1.MatchResources{ObjectSelector: &metav1.LabelSelector{
			MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Near"}}}}, "objectSelector"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CompileConstraints(tt.m)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.field)
		})
	}
}

func TestResourceForKind(t *testing.T) {
	for kind, want := range map[string]string{
		"Pod": "pods", "Ingress": "ingresses", "NetworkPolicy": "networkpolicies", "Endpoints": "endpoints",
		"StorageClass": "storageclasses", "Gateway": "gateways", "PodMetrics": "podmetrics", "": "",
		"ConfigMap": "configmaps", "Mesh": "meshes", "Box": "boxes",
	} {
		assert.Equal(t, want, ResourceForKind(kind), kind)
	}
}
