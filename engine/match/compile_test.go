package match

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestCompileErrors(t *testing.T) {
	badSelector := expr("app", "Near", "x")
	tests := []struct {
		name      string
		criteria  Criteria
		wantField string
		wantText  string
	}{
		{"any and all", Criteria{Any: []Filter{kinds("Pod")}, All: []Filter{kinds("Pod")}}, "any", "together"},
		{"empty kind", anyOf(kinds("Pod", "")), "any[0].kinds[1]", "empty kind"},
		{"empty kind part", allOf(kinds("apps//Deployment")), "all[0].kinds[0]", "empty part"},
		{"too many kind parts", anyOf(kinds("Pod"), kinds("a/b/c/d/e")), "any[1].kinds[0]", "more than 4 parts"},
		{"bad selector", anyOf(Filter{Selector: badSelector}), "any[0].selector", "invalid label selector"},
		{"bad label value", anyOf(Filter{Selector: matchLabels("app", "a b")}), "any[0].selector", "invalid label selector"},
		{"bad namespaceSelector", allOf(kinds("Pod"), Filter{NamespaceSelector: badSelector}),
			"all[1].namespaceSelector", "invalid label selector"},
		{"bad operation", anyOf(Filter{Operations: []string{"CREATE", "PATCH"}}), "any[0].operations[1]", `"PATCH"`},
		{"bad subject kind", anyOf(Filter{Subjects: []Subject{{Kind: "Robot", Name: "r2"}}}), "any[0].subjects[0]", `"Robot"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile(tt.criteria)
			require.Error(t, err)
			assert.Nil(t, m)
			var fe *FieldError
			require.True(t, errors.As(err, &fe), "want a *FieldError, got %T", err)
			assert.Equal(t, tt.wantField, fe.Field)
			assert.Contains(t, err.Error(), tt.wantText)
			assert.Contains(t, err.Error(), tt.wantField+": ")
		})
	}
}

func TestCompileKeepsNoReferenceToInput(t *testing.T) {
	f := Filter{Kinds: []string{"Pod"}, Operations: []string{"CREATE"}, Roles: []string{"default:editor"},
		Selector: matchLabels("app", "nginx")}
	m, err := Compile(anyOf(f))
	require.NoError(t, err)
	f.Kinds[0], f.Operations[0], f.Roles[0] = "Secret", "DELETE", "x:y"
	f.Selector.MatchLabels["app"] = "redis"
	r := res("Pod")
	assert.True(t, m.Matches(&r))
}

func TestWhyNotMatched(t *testing.T) {
	tests := []struct {
		name     string
		criteria Criteria
		resource Resource
		want     string
	}{
		{"matched", anyOf(kinds("Pod")), res("Pod"), ""},
		{"empty", Criteria{}, res("Pod"), "match block is empty"},
		{"kind", anyOf(kinds("Deployment")), res("Pod", sub("exec")),
			"no filter matched: any[0]: kind v1/Pod/exec not in [Deployment]"},
		{"group kind", allOf(kinds("Pod"), kinds("batch/v1/Job")), res("Pod"),
			"all[1]: kind v1/Pod not in [batch/v1/Job]"},
		{"operation", allOf(Filter{Operations: []string{"CREATE"}}), res("Pod", op("DELETE")),
			`all[0]: operation "DELETE" not in [CREATE]`},
		{"name", allOf(Filter{Name: "web"}), res("Pod"), `all[0]: name "nginx" does not match "web"`},
		{"names", allOf(Filter{Names: []string{"web"}}), res("Pod"), `all[0]: name "nginx" not in [web]`},
		{"namespace", allOf(Filter{Namespaces: []string{"kube-*"}}), res("Pod"),
			`all[0]: namespace "default" not in [kube-*]`},
		{"annotations", allOf(Filter{Annotations: map[string]string{"a": "b"}}), res("Pod"), "all[0]: annotations do not match"},
		{"selector", allOf(Filter{Selector: matchLabels("app", "redis")}), res("Pod"),
			`all[0]: labels do not match selector "app=redis"`},
		{"namespace selector", allOf(Filter{NamespaceSelector: matchLabels("env", "d*")}), res("Pod"),
			`all[0]: namespace labels do not match namespaceSelector "env=d*"`},
		{"namespace labels unknown", allOf(Filter{NamespaceSelector: matchLabels("env", "dev")}), res("Pod", nsLabelsUnknown),
			"all[0]: namespace labels unknown for namespaceSelector"},
		{"Namespace", allOf(Filter{NamespaceSelector: &metav1.LabelSelector{}}), res("Namespace"),
			"all[0]: namespaceSelector does not apply to a Namespace"},
		{"roles", allOf(Filter{Roles: []string{"a:b"}}), res("Pod"), "all[0]: requester has none of roles [a:b]"},
		{"clusterRoles", allOf(Filter{ClusterRoles: []string{"admin"}}), res("Pod"),
			"all[0]: requester has none of clusterRoles [admin]"},
		{"subjects", allOf(Filter{Subjects: []Subject{{Kind: "User", Name: "bob"}}}), res("Pod"),
			"all[0]: requester is none of the subjects"},
		{"empty filter", allOf(Filter{}), res("Pod"), "all[0]: filter has no condition to match on"},
		{"capped", anyOf(kinds("A"), kinds("B"), kinds("C"), kinds("D"), kinds("E")), res("Pod"),
			"no filter matched: any[0]: kind v1/Pod not in [A]; any[1]: kind v1/Pod not in [B]; " +
				"any[2]: kind v1/Pod not in [C]; and 2 more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Compile(tt.criteria)
			require.NoError(t, err)
			assert.Equal(t, tt.want, m.WhyNotMatched(&tt.resource))
		})
	}
}

func TestWhyExcluded(t *testing.T) {
	r := res("Pod")
	m, err := Compile(anyOf(kinds("Secret"), Filter{Namespaces: []string{"default"}}))
	require.NoError(t, err)
	assert.Equal(t, "excluded by any[1]", m.WhyExcluded(&r))

	m, err = Compile(allOf(kinds("Pod"), Filter{Namespaces: []string{"default"}}))
	require.NoError(t, err)
	assert.Equal(t, "excluded by all 2 filters", m.WhyExcluded(&r))

	m, err = Compile(allOf(kinds("Pod"), Filter{Namespaces: []string{"other"}}))
	require.NoError(t, err)
	assert.Empty(t, m.WhyExcluded(&r))
}
