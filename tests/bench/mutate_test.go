package bench

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// mutatePolicies returns the testdata mutate policies the benchmarks evaluate, by benchmark name.
func mutatePolicies() map[string]string {
	return map[string]string{
		"overlay": "testdata/mutate-overlay.yaml",
		"foreach": "testdata/mutate-foreach.yaml",
	}
}

// loadMutatePolicy compiles one testdata mutate policy with eng.
func loadMutatePolicy(tb testing.TB, eng *engine.Engine, file string) *engine.Policy {
	tb.Helper()
	set := policy.NewLoader(eng).LoadPaths(tb.Context(), filepath.FromSlash(file))
	require.Empty(tb, set.Errors, "loading %s", file)
	require.Len(tb, set.Policies, 1, "policies in %s", file)
	return set.Policies[0]
}

// TestMutatePoliciesPatchEveryPod checks that the benchmarked mutate policies do their work on every generated Pod:
// the label is added, an existing team label is kept, and the securityContexts the policy reaches (the Pod's, or
// every container's) get runAsNonRoot and a seccomp profile without losing a value they already had.
func TestMutatePoliciesPatchEveryPod(t *testing.T) {
	tests := []struct {
		name     string
		listKeys []string // the container lists the policy defaults; none: the Pod securityContext
	}{
		{name: "overlay"},
		{name: "foreach", listKeys: []string{"containers", "initContainers"}},
	}
	pods, inputs := podInputs(100)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eng := engine.New()
			p := loadMutatePolicy(t, eng, mutatePolicies()[tt.name])
			for i, in := range inputs {
				res := eng.Evaluate(t.Context(), p, in, engine.EvalOptions{})
				for _, rr := range res.Rules {
					require.NotEqual(t, engine.StatusError, rr.Status, "pod %d rule %s: %s", i, rr.Rule, rr.Message)
				}
				require.NotNil(t, res.Patched, "pod %d (%s) was not patched", i, in.Name())
				checkPatchedPod(t, pods[i].Object, res.Patched, tt.listKeys)
			}
		})
	}
}

// checkPatchedPod compares a generated Pod with the object the mutate policy made of it.
func checkPatchedPod(t *testing.T, before, after map[string]any, listKeys []string) {
	t.Helper()
	labels := nested(after, "metadata", "labels")
	assert.Equal(t, "true", labels["bylaw.dev/defaulted"])
	wantTeam := "unassigned"
	if team, ok := nested(before, "metadata", "labels")["team"]; ok {
		wantTeam = team.(string)
	}
	assert.Equal(t, wantTeam, labels["team"])
	if len(listKeys) == 0 {
		checkDefaults(t, nested(before, "spec", "securityContext"), nested(after, "spec", "securityContext"), "spec")
	}
	for _, key := range listKeys {
		was, _ := nested(before, "spec")[key].([]any)
		now, _ := nested(after, "spec")[key].([]any)
		require.Len(t, now, len(was), "spec.%s", key)
		for j := range now {
			checkDefaults(t, nested(was[j].(map[string]any), "securityContext"),
				nested(now[j].(map[string]any), "securityContext"), fmt.Sprintf("spec.%s[%d]", key, j))
		}
	}
}

// checkDefaults compares a securityContext before and after the defaults: runAsNonRoot and seccompProfile are added
// when absent and kept when present, and the other fields are unchanged.
func checkDefaults(t *testing.T, before, after map[string]any, where string) {
	t.Helper()
	want := map[string]any{"runAsNonRoot": true, "seccompProfile": map[string]any{"type": "RuntimeDefault"}}
	for k, v := range before {
		want[k] = v
	}
	assert.Equal(t, want, after, "%s.securityContext", where)
}

// nested returns the map at path in obj, or nil.
func nested(obj map[string]any, path ...string) map[string]any {
	for _, key := range path {
		obj, _ = obj[key].(map[string]any)
	}
	return obj
}
