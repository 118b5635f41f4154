package match

import (
	"testing"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// benchCriteria exercises every branch of a filter: kinds of every form,
// wildcards, both selectors, annotations, operations and user conditions.
func benchCriteria() Criteria {
	return anyOf(
		Filter{Kinds: []string{"apps/v1/Deployment", "batch/*/CronJob"}, Namespaces: []string{"kube-*"}},
		Filter{
			Kinds:             []string{"Deployment", "v1/Pod", "Pod/ephemeralcontainers"},
			Names:             []string{"web-*", "ngin?"},
			Namespaces:        []string{"default", "team-*"},
			Annotations:       map[string]string{"team.example.com/*": "?*"},
			Selector:          &metav1.LabelSelector{MatchLabels: map[string]string{"app": "ng*", "tier": "web"}},
			NamespaceSelector: expr("env", metav1.LabelSelectorOpIn, "prod", "staging"),
			Operations:        []string{"CREATE", "UPDATE"},
			Subjects:          []Subject{{Kind: "Group", Name: "system:*"}, {Kind: "User", Name: "alice"}},
			ClusterRoles:      []string{"edit", "view"},
		},
	)
}

func BenchmarkMatches(b *testing.B) {
	m, err := Compile(benchCriteria())
	require.NoError(b, err)
	hit, miss := res("Pod"), res("Secret")
	b.Run("hit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !m.Matches(&hit) {
				b.Fatal("want a match")
			}
		}
	})
	b.Run("miss", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if m.Matches(&miss) {
				b.Fatal("want no match")
			}
		}
	})
	b.Run("exclude", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if !m.Excludes(&hit) {
				b.Fatal("want an exclusion")
			}
		}
	})
}

func TestMatchesDoesNotAllocate(t *testing.T) {
	m, err := Compile(benchCriteria())
	require.NoError(t, err)
	for _, r := range []Resource{res("Pod"), res("Secret"), res("Pod", background), res("Pod", nsLabelsUnknown)} {
		allocs := testing.AllocsPerRun(100, func() {
			m.Matches(&r)
			m.Excludes(&r)
		})
		require.Zero(t, allocs, "allocations for %s", r.Kind)
	}
}
