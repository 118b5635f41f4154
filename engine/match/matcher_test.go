package match

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// matchCase is one row of the table-driven tests: a block, a resource, and
// what Matches and Excludes must say.
type matchCase struct {
	name        string
	criteria    Criteria
	resource    Resource
	wantMatch   bool
	wantExclude bool
}

// runMatchCases compiles each block and checks both entry points, and that
// WhyNotMatched agrees with Matches.
func runMatchCases(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile(tt.criteria)
			require.NoError(t, err)
			assert.Equal(t, tt.wantMatch, m.Matches(&tt.resource), "Matches")
			assert.Equal(t, tt.wantExclude, m.Excludes(&tt.resource), "Excludes")
			why := m.WhyNotMatched(&tt.resource)
			assert.Equal(t, tt.wantMatch, why == "", "WhyNotMatched: %q", why)
			whyEx := m.WhyExcluded(&tt.resource)
			assert.Equal(t, tt.wantExclude, whyEx != "", "WhyExcluded: %q", whyEx)
		})
	}
}

// same is a row where match and exclude agree.
func same(name string, c Criteria, r Resource, want bool) matchCase {
	return matchCase{name: name, criteria: c, resource: r, wantMatch: want, wantExclude: want}
}

func TestMatchKinds(t *testing.T) {
	runMatchCases(t, []matchCase{
		same("kind", anyOf(kinds("Pod")), res("Pod"), true),
		same("other kind", anyOf(kinds("Deployment")), res("Pod"), false),
		same("one of kinds", anyOf(kinds("Deployment", "Pod")), res("Pod"), true),
		same("version/kind", anyOf(kinds("v1/Pod")), res("Pod"), true),
		same("group/version/kind", anyOf(kinds("apps/v1/Deployment")), res("Deployment", gv("apps", "v1")), true),
		same("group/*/kind", anyOf(kinds("apps/*/Deployment")), res("Deployment", gv("apps", "v1beta1")), true),
		same("wrong group", anyOf(kinds("apps/v1/Deployment")), res("Deployment", gv("extensions", "v1")), false),
		same("star", anyOf(kinds("*")), res("Secret"), true),
		same("star without subresource", anyOf(kinds("*")), res("Pod", sub("status")), false),
		same("kind/subresource", anyOf(kinds("Pod/exec")), res("Pod", sub("exec"), op("CONNECT")), true),
		same("kind/subresource on resource", anyOf(kinds("Pod/exec")), res("Pod"), false),
		same("kind on subresource", anyOf(kinds("Pod")), res("Pod", sub("exec")), false),
		same("kind on ephemeralcontainers", anyOf(kinds("Pod")), res("Pod", sub("ephemeralcontainers")), true),
		same("wildcard kind", anyOf(kinds("*Role*")), res("RoleBinding", gv("rbac.authorization.k8s.io", "v1")), true),
	})
}

func TestMatchNames(t *testing.T) {
	runMatchCases(t, []matchCase{
		same("name", anyOf(Filter{Kinds: []string{"Pod"}, Name: "nginx"}), res("Pod"), true),
		same("name wildcard", anyOf(Filter{Name: "ng*"}), res("Pod"), true),
		same("name ?", anyOf(Filter{Name: "ngin?"}), res("Pod"), true),
		same("name mismatch", anyOf(Filter{Name: "web-*"}), res("Pod"), false),
		same("names one of", anyOf(Filter{Names: []string{"a", "ng*"}}), res("Pod"), true),
		same("names none", anyOf(Filter{Names: []string{"a", "b*"}}), res("Pod"), false),
		same("name and names both needed", anyOf(Filter{Name: "nginx", Names: []string{"x"}}), res("Pod"), false),
		same("generate name passed as name", anyOf(Filter{Name: "web-*"}), res("Pod", named("default", "web-")), true),
	})
}

func TestMatchNamespaces(t *testing.T) {
	runMatchCases(t, []matchCase{
		same("namespace", anyOf(Filter{Namespaces: []string{"default"}}), res("Pod"), true),
		same("namespace wildcard", anyOf(Filter{Namespaces: []string{"kube-*"}}), res("Pod", named("kube-system", "x")), true),
		same("namespace ?", anyOf(Filter{Namespaces: []string{"de?ault"}}), res("Pod"), true),
		same("namespace mismatch", anyOf(Filter{Namespaces: []string{"kube-*"}}), res("Pod"), false),
		same("Namespace object by its name", anyOf(Filter{Kinds: []string{"Namespace"}, Namespaces: []string{"team-*"}}),
			res("Namespace", clusterScoped("team-a")), true),
		same("Namespace object other name", anyOf(Filter{Namespaces: []string{"team-*"}}),
			res("Namespace", clusterScoped("default")), false),
		same("cluster-scoped object", anyOf(Filter{Namespaces: []string{"*"}}), res("ClusterRole", clusterScoped("x")), true),
		same("cluster-scoped object, named namespace", anyOf(Filter{Namespaces: []string{"default"}}),
			res("ClusterRole", clusterScoped("default")), false),
	})
}

func TestMatchAnnotations(t *testing.T) {
	runMatchCases(t, []matchCase{
		same("annotation", anyOf(Filter{Annotations: map[string]string{"team.example.com/owner": "alice"}}), res("Pod"), true),
		same("annotation wildcards", anyOf(Filter{Annotations: map[string]string{"team.example.com/*": "a*"}}), res("Pod"), true),
		same("annotation value mismatch", anyOf(Filter{Annotations: map[string]string{"*": "bob"}}), res("Pod"), false),
		same("annotation missing", anyOf(Filter{Annotations: map[string]string{"missing": "*"}}), res("Pod"), false),
		same("no annotations", anyOf(Filter{Annotations: map[string]string{"*": "*"}}), res("Pod", annotated()), false),
	})
}

func TestMatchSelector(t *testing.T) {
	runMatchCases(t, []matchCase{
		same("matchLabels", anyOf(Filter{Selector: matchLabels("app", "nginx")}), res("Pod"), true),
		same("matchLabels mismatch", anyOf(Filter{Selector: matchLabels("app", "redis")}), res("Pod"), false),
		same("matchLabels value wildcard", anyOf(Filter{Selector: matchLabels("app", "ng*")}), res("Pod"), true),
		same("matchLabels key wildcard", anyOf(Filter{Selector: matchLabels("ap?", "nginx")}), res("Pod"), true),
		same("matchLabels wildcard mismatch", anyOf(Filter{Selector: matchLabels("app", "re*")}), res("Pod"), false),
		same("matchLabels mixed", anyOf(Filter{Selector: matchLabels("app", "ng*", "tier", "web")}), res("Pod"), true),
		same("In", anyOf(Filter{Selector: expr("tier", metav1.LabelSelectorOpIn, "web", "api")}), res("Pod"), true),
		same("NotIn", anyOf(Filter{Selector: expr("tier", metav1.LabelSelectorOpNotIn, "web")}), res("Pod"), false),
		same("Exists", anyOf(Filter{Selector: expr("app", metav1.LabelSelectorOpExists)}), res("Pod"), true),
		same("DoesNotExist", anyOf(Filter{Selector: expr("app", metav1.LabelSelectorOpDoesNotExist)}), res("Pod"), false),
		same("empty selector", anyOf(Filter{Selector: &metav1.LabelSelector{}}), res("Pod", labeled()), true),
		same("no labels", anyOf(Filter{Selector: matchLabels("app", "*")}), res("Pod", labeled()), false),
	})
}

func TestMatchNamespaceSelector(t *testing.T) {
	notProd := expr("env", metav1.LabelSelectorOpNotIn, "prod")
	runMatchCases(t, []matchCase{
		same("labels", anyOf(Filter{Kinds: []string{"Pod"}, NamespaceSelector: matchLabels("env", "prod")}), res("Pod"), true),
		same("labels mismatch", anyOf(Filter{NamespaceSelector: matchLabels("env", "dev")}), res("Pod"), false),
		same("wildcard", anyOf(Filter{NamespaceSelector: matchLabels("env", "p*")}), res("Pod"), true),
		same("NotIn", anyOf(Filter{NamespaceSelector: notProd}), res("Pod", nsLabeled("env", "dev")), true),
		same("NotIn on unlabeled namespace", anyOf(Filter{NamespaceSelector: notProd}), res("Pod", nsLabeled()), true),
		same("unknown labels", anyOf(Filter{NamespaceSelector: notProd}), res("Pod", nsLabelsUnknown), false),
		same("Namespace object", anyOf(Filter{Kinds: []string{"Namespace"}, NamespaceSelector: &metav1.LabelSelector{}}),
			res("Namespace", clusterScoped("default"), nsLabeled("env", "prod")), false),
		same("cluster-scoped, empty selector", anyOf(Filter{NamespaceSelector: &metav1.LabelSelector{}}),
			res("ClusterRole", clusterScoped("x")), true),
		same("cluster-scoped, NotIn", anyOf(Filter{NamespaceSelector: notProd}), res("ClusterRole", clusterScoped("x")), true),
		same("cluster-scoped, matchLabels", anyOf(Filter{NamespaceSelector: matchLabels("env", "prod")}),
			res("ClusterRole", clusterScoped("x")), false),
		same("kindless object skips it", anyOf(Filter{Names: []string{"*"}, NamespaceSelector: matchLabels("env", "dev")}),
			res("", nsLabelsUnknown), true),
		same("kindless object with kinds *", anyOf(Filter{Kinds: []string{"*"}, NamespaceSelector: matchLabels("env", "dev")}),
			res(""), false),
	})
}

func TestMatchOperations(t *testing.T) {
	createUpdate := Filter{Kinds: []string{"Pod"}, Operations: []string{"CREATE", "UPDATE"}}
	runMatchCases(t, []matchCase{
		same("operation", anyOf(createUpdate), res("Pod", op("UPDATE")), true),
		same("operation mismatch", anyOf(createUpdate), res("Pod", op("DELETE")), false),
		same("no operation given", anyOf(createUpdate), res("Pod", op("")), false),
		same("any operation", anyOf(kinds("Pod")), res("Pod", op("DELETE")), true),
		same("operations only", anyOf(Filter{Operations: []string{"DELETE"}}), res("Pod", op("DELETE")), true),
	})
}

func TestMatchFieldsAnd(t *testing.T) {
	runMatchCases(t, []matchCase{
		same("every field holds", anyOf(Filter{
			Kinds: []string{"Pod"}, Name: "nginx", Namespaces: []string{"default"},
			Annotations: map[string]string{"team.example.com/owner": "*"}, Selector: matchLabels("app", "nginx"),
			NamespaceSelector: matchLabels("env", "prod"), Operations: []string{"CREATE"},
			Subjects: []Subject{{Kind: "User", Name: "alice"}}, Roles: []string{"default:editor"}, ClusterRoles: []string{"view"},
		}), res("Pod"), true),
		same("one field fails", anyOf(Filter{Kinds: []string{"Pod"}, Namespaces: []string{"kube-system"}}), res("Pod"), false),
		same("user field fails", anyOf(Filter{Kinds: []string{"Pod"}, ClusterRoles: []string{"cluster-admin"}}), res("Pod"), false),
	})
}
