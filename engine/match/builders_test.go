package match

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// alice is the requester of the default test requests.
func alice() UserInfo {
	return UserInfo{
		Username:     "alice",
		Groups:       []string{"dev", "system:authenticated"},
		Roles:        []string{"default:editor"},
		ClusterRoles: []string{"view"},
	}
}

// res builds a v1 resource of the given kind named nginx in default, created
// by alice, then applies mods.
func res(kind string, mods ...func(*Resource)) Resource {
	r := Resource{
		Version:         "v1",
		Kind:            kind,
		Name:            "nginx",
		Namespace:       "default",
		Labels:          map[string]string{"app": "nginx", "tier": "web"},
		Annotations:     map[string]string{"team.example.com/owner": "alice"},
		NamespaceLabels: map[string]string{"env": "prod"},
		Operation:       "CREATE",
		UserInfo:        alice(),
	}
	for _, m := range mods {
		m(&r)
	}
	return r
}

func gv(group, version string) func(*Resource) {
	return func(r *Resource) { r.Group, r.Version = group, version }
}

func sub(s string) func(*Resource) { return func(r *Resource) { r.Subresource = s } }

func named(namespace, name string) func(*Resource) {
	return func(r *Resource) { r.Namespace, r.Name = namespace, name }
}

func clusterScoped(name string) func(*Resource) {
	return func(r *Resource) { r.Namespace, r.Name, r.NamespaceLabels = "", name, nil }
}

func labeled(kv ...string) func(*Resource) { return func(r *Resource) { r.Labels = pairs(kv) } }

func nsLabeled(kv ...string) func(*Resource) {
	return func(r *Resource) { r.NamespaceLabels = pairs(kv) }
}

func nsLabelsUnknown(r *Resource) { r.NamespaceLabels = nil }

func annotated(kv ...string) func(*Resource) {
	return func(r *Resource) { r.Annotations = pairs(kv) }
}

func op(o string) func(*Resource) { return func(r *Resource) { r.Operation = o } }

func by(u UserInfo) func(*Resource) { return func(r *Resource) { r.UserInfo = u } }

// background drops the user information, as in a background scan.
func background(r *Resource) { r.UserInfo = UserInfo{} }

// pairs turns k1, v1, k2, v2... into a map; no arguments give an empty map.
func pairs(kv []string) map[string]string {
	m := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func matchLabels(kv ...string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: pairs(kv)}
}

func expr(key string, op metav1.LabelSelectorOperator, values ...string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: key, Operator: op, Values: values},
	}}
}

func anyOf(fs ...Filter) Criteria { return Criteria{Any: fs} }

func allOf(fs ...Filter) Criteria { return Criteria{All: fs} }

func kinds(ks ...string) Filter { return Filter{Kinds: ks} }
