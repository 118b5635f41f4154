package kyvernotest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// The MutatingAdmissionPolicy suites (v1 with params and a binding's matchResources, v1beta1 JSONPatch alone,
// v1alpha1 under failurePolicy Ignore) and the mutateExisting MutatingPolicy suites, whose patchedResources are
// compared by target; the examples of docs/mutating-admission-policy.md and docs/mutatingpolicy-mutate-existing.md.
func TestRunMutatingAdmissionAndMutateExistingSuites(t *testing.T) {
	tests := []struct {
		path string
		want []string
	}{
		{"testdata/map", []string{"5 passed, 0 failed, 0 skipped", "Excluded: the policy's matchConditions do not hold"}},
		{"testdata/mpol-existing", []string{"2 passed, 0 failed, 0 skipped"}},
		{"../../examples/map", []string{"2 passed, 0 failed, 0 skipped"}},
		{"../../examples/mutateexisting", []string{"2 passed, 0 failed, 0 skipped"}},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			var out bytes.Buffer
			code, err := Run(t.Context(), Options{Paths: []string{tt.path}, DetailedResults: true}, &out)
			require.NoError(t, err)
			assert.Equal(t, 0, code, out.String())
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w)
			}
		})
	}
}

func TestCheckPatchedTargets(t *testing.T) {
	cm := func(name, label string) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": name, "namespace": "shop", "labels": map[string]any{"synced": label}}}
	}
	tests := []struct {
		name    string
		want    []map[string]any
		targets []map[string]any
		reason  string // "": the row keeps its outcome
	}{
		{name: "every target as in the file", want: []map[string]any{cm("a", "yes"), cm("b", "yes"), cm("trigger", "")},
			targets: []map[string]any{cm("a", "yes"), cm("b", "yes")}},
		{name: "a target differs", want: []map[string]any{cm("a", "no")}, targets: []map[string]any{cm("a", "yes")},
			reason: `patched target ConfigMap/shop/a differs from p.yaml: at /metadata/labels/synced got "yes", want "no"`},
		{name: "a target missing from the file", want: []map[string]any{cm("a", "yes")}, targets: []map[string]any{cm("a", "yes"), cm("b", "yes")},
			reason: "p.yaml holds no patched target ConfigMap/shop/b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var targets []engine.PatchedTarget
			for _, o := range tt.targets {
				targets = append(targets, engine.PatchedTarget{Rule: "r", Object: o})
			}
			row := checkPatchedTargets(Row{Outcome: OutcomePass}, "p.yaml", tt.want, targets)
			if tt.reason == "" {
				assert.Equal(t, OutcomePass, row.Outcome)
				return
			}
			assert.Equal(t, OutcomeFail, row.Outcome)
			assert.Equal(t, tt.reason, row.Reason)
		})
	}
}

// With values for a rule, the evaluation that carried them keeps the rule's patched targets, as it keeps its patch.
func TestEvaluatorKeepsPatchedTargetsWithRuleValues(t *testing.T) {
	e := engine.New()
	set := policy.NewLoader(e).LoadPaths(t.Context(), "testdata/mpol-existing/policy.yaml")
	require.Empty(t, set.Errors)
	target := map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "target", "namespace": "shop", "labels": map[string]any{"app": "target"}}}
	trigger := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "trigger", "namespace": "shop"}}
	tests := []struct {
		name   string
		values *Values
	}{
		{name: "without values", values: nil},
		{name: "with values for the rule", values: &Values{Policies: []PolicyValues{{Name: "sync-targets",
			Rules: []RuleValues{{Name: "sync-targets", Values: map[string]any{"x": "y"}}}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &Evaluator{Engine: e, Values: tt.values, Loader: NewContextLoader([]map[string]any{target}, nil)}
			res := ev.Evaluate(t.Context(), set.Policies[0], ev.Prepare(trigger))
			require.Len(t, res.PatchedTargets, 1)
			assert.Equal(t, "trigger", res.PatchedTargets[0].Object["metadata"].(map[string]any)["labels"].(map[string]any)["synced-by"])
		})
	}
}
