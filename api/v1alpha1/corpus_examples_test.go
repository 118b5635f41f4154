package v1alpha1

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// TestCorpusExamples decodes real corpus policies and checks the fields the
// engine reads.
func TestCorpusExamples(t *testing.T) {
	dir := corpusDir()
	if dir == "" {
		t.Skip("Kyverno policy corpus not found; set " + corpusDirEnv)
	}
	tests := []struct {
		name  string
		file  string
		check func(t *testing.T, spec *Spec)
	}{
		{name: "pattern", file: "best-practices/disallow-default-namespace/disallow-default-namespace.yaml", check: checkPatternPolicy},
		{name: "foreach deny", file: "best-practices/require-drop-all/require-drop-all.yaml", check: checkForEachDenyPolicy},
		{name: "mutate foreach", file: "other/remove-serviceaccount-token/remove-serviceaccount-token.yaml", check: checkMutateForEachPolicy},
		{name: "generate data", file: "best-practices/add-ns-quota/add-ns-quota.yaml", check: checkGeneratePolicy},
		{name: "cel", file: "best-practices-cel/check-deprecated-apis/check-deprecated-apis.yaml", check: checkCELPolicy},
		{name: "pod security", file: "pod-security/subrule/podsecurity-subrule-baseline/podsecurity-subrule-baseline.yaml", check: checkPodSecurityPolicy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var policy ClusterPolicy
			require.NoError(t, loadCorpusPolicy(filepath.Join(dir, tt.file), &policy))
			tt.check(t, &policy.Spec)
		})
	}
}

func checkPatternPolicy(t *testing.T, spec *Spec) {
	assert.Equal(t, Audit, spec.ValidationFailureAction)
	assert.True(t, spec.BackgroundEnabled())
	require.Len(t, spec.Rules, 2)
	rule := spec.Rules[0]
	assert.Equal(t, "validate-namespace", rule.Name)
	require.Len(t, rule.MatchResources.Any, 1)
	assert.Equal(t, []string{"Pod"}, rule.MatchResources.Any[0].Kinds)
	require.True(t, rule.HasValidate())
	assert.Equal(t, "Using 'default' namespace is not allowed.", rule.Validation.Message)
	assertJSON(t, `{"metadata":{"namespace":"!default"}}`, rule.Validation.Pattern)
	assert.Equal(t, []string{"DaemonSet", "Deployment", "Job", "StatefulSet"}, spec.Rules[1].MatchResources.Any[0].ResourceDescription.Kinds)
	assert.Equal(t, Audit, spec.FailureActionFor(&spec.Rules[1]))
}

func checkForEachDenyPolicy(t *testing.T, spec *Spec) {
	require.Len(t, spec.Rules, 1)
	rule := spec.Rules[0]
	pre, err := rule.PreconditionsAnyAll()
	require.NoError(t, err)
	require.NotNil(t, pre)
	require.Len(t, pre.All, 1)
	assert.Equal(t, NotEquals, pre.All[0].Operator)
	assertJSON(t, `"{{ request.operation || 'BACKGROUND' }}"`, pre.All[0].Key)
	assertJSON(t, `"DELETE"`, pre.All[0].Value)
	require.Len(t, rule.Validation.ForEach, 1)
	foreach := rule.Validation.ForEach[0]
	assert.Equal(t, "request.object.spec.[ephemeralContainers, initContainers, containers][]", foreach.List)
	require.NotNil(t, foreach.Deny)
	deny, err := foreach.Deny.AnyAllConditions()
	require.NoError(t, err)
	require.Len(t, deny.All, 1)
	assert.Equal(t, AnyNotIn, deny.All[0].Operator)
	assertJSON(t, `"ALL"`, deny.All[0].Key)
}

func checkMutateForEachPolicy(t *testing.T, spec *Spec) {
	assert.False(t, spec.BackgroundEnabled())
	rule := spec.Rules[0]
	require.Len(t, rule.Context, 1)
	require.NotNil(t, rule.Context[0].Variable)
	assertJSON(t, `""`, rule.Context[0].Variable.Default)
	require.NotNil(t, rule.MatchResources.Any[0].Selector)
	assert.Equal(t, "corp.org/can-use-serviceaccount", rule.MatchResources.Any[0].Selector.MatchExpressions[0].Key)
	require.True(t, rule.HasMutate())
	require.Len(t, rule.Mutation.ForEach, 2)
	first := rule.Mutation.ForEach[0]
	require.NotNil(t, first.Order)
	assert.Equal(t, Descending, *first.Order)
	require.NotNil(t, first.Preconditions)
	assert.Len(t, first.Preconditions.All, 2)
	assert.Contains(t, first.PatchesJSON6902, "/spec/volumes/{{elementIndex}}")
	nested := rule.Mutation.ForEach[1].ForEach
	require.Len(t, nested, 1)
	assert.Equal(t, "element.volumeMounts", nested[0].List)
}

func checkGeneratePolicy(t *testing.T, spec *Spec) {
	require.Len(t, spec.Rules, 2)
	gen := spec.Rules[0].Generation
	require.NotNil(t, gen)
	assert.True(t, gen.Synchronize)
	assert.Equal(t, "v1", gen.APIVersion)
	assert.Equal(t, "ResourceQuota", gen.Kind)
	assert.Equal(t, "{{request.object.metadata.name}}", gen.Namespace)
	require.NotNil(t, gen.Data)
	assert.Contains(t, string(gen.Data.Raw), `"requests.cpu":"4"`)
}

func checkCELPolicy(t *testing.T, spec *Spec) {
	rule := spec.Rules[0]
	require.Len(t, rule.CELPreconditions, 1)
	assert.Equal(t, "allowed-api-versions", rule.CELPreconditions[0].Name)
	require.NotNil(t, rule.Validation.CEL)
	require.Len(t, rule.Validation.CEL.Expressions, 1)
	assert.Equal(t, "false", rule.Validation.CEL.Expressions[0].Expression)
	assert.Contains(t, rule.Validation.CEL.Expressions[0].MessageExpression, "is deprecated")
}

func checkPodSecurityPolicy(t *testing.T, spec *Spec) {
	require.NotNil(t, spec.Rules[0].Validation.PodSecurity)
	assert.Equal(t, "baseline", spec.Rules[0].Validation.PodSecurity.Level)
	assert.Equal(t, "latest", spec.Rules[0].Validation.PodSecurity.Version)
}

// assertJSON checks that raw holds JSON equal to want.
func assertJSON(t *testing.T, want string, raw *apiextv1.JSON) {
	t.Helper()
	require.NotNil(t, raw)
	var w, g any
	require.NoError(t, json.Unmarshal([]byte(want), &w))
	require.NoError(t, json.Unmarshal(raw.Raw, &g))
	assert.Equal(t, w, g)
}
