package policy

import (
	"context"
	"testing"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

func gpolSpec(expression string) policiesv1.GeneratingPolicySpec {
	return policiesv1.GeneratingPolicySpec{
		MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
			RuleWithOperations: admissionregistrationv1.RuleWithOperations{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}},
			}}}},
		Generation: []policiesv1.Generation{{Expression: expression}},
	}
}

// generatingReadyOf returns the Ready condition and conditionStatus.ready of a generating policy, once observed.
func generatingReadyOf(t *testing.T, c client.Client, obj generatingObject) (*metav1.Condition, *bool) {
	t.Helper()
	var cond *metav1.Condition
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		require.NoError(ct, c.Get(t.Context(), client.ObjectKeyFromObject(obj), obj))
		cond = apimeta.FindStatusCondition(obj.GetConditions(), meta.ReadyCondition)
		require.NotNil(ct, cond)
		assert.Equal(ct, obj.GetGeneration(), cond.ObservedGeneration)
		assert.NotNil(ct, obj.GetStatus().ConditionStatus.Ready)
	}, wait, 100*time.Millisecond)
	return cond, obj.GetStatus().ConditionStatus.Ready
}

func TestGeneratingPoliciesReconciled(t *testing.T) {
	c := testClient(t)
	ctx := t.Context()
	require.NoError(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "gpol-team"}}))
	// One policy exists before the manager starts: the initial load reads it.
	early := &policiesv1.GeneratingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "gpol-early"},
		Spec: gpolSpec(`generator.Apply("a", [])`)}
	require.NoError(t, c.Create(ctx, early))
	store := startManager(t, nil, true)
	assert.Contains(t, policyKeys(store), "gpol-early", "read by the initial load")

	good := &policiesv1.GeneratingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "gpol-good"}, Spec: gpolSpec(`generator.Apply("a", [])`)}
	bad := &policiesv1.GeneratingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "gpol-bad"}, Spec: gpolSpec(`generator.Apply(`)}
	local := &policiesv1.NamespacedGeneratingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "gpol-local", Namespace: "gpol-team"},
		Spec: gpolSpec(`generator.Apply("gpol-team", [])`)}
	for _, o := range []client.Object{good, bad, local} {
		require.NoError(t, c.Create(ctx, o))
	}
	// Other tests of the package share the control plane: leave no policy behind.
	t.Cleanup(func() {
		for _, o := range []client.Object{early, bad, local} {
			require.NoError(t, client.IgnoreNotFound(c.Delete(context.Background(), o)))
		}
	})
	cond, ready := generatingReadyOf(t, c, good)
	assert.Equal(t, metav1.ConditionTrue, cond.Status)
	assert.Equal(t, ReasonLoaded, cond.Reason)
	assert.Equal(t, new(true), ready)

	cond, ready = generatingReadyOf(t, c, bad)
	assert.Equal(t, metav1.ConditionFalse, cond.Status)
	assert.Equal(t, ReasonInvalid, cond.Reason)
	assert.Contains(t, cond.Message, "spec.generate[0].expression")
	assert.Equal(t, new(false), ready)

	cond, _ = generatingReadyOf(t, c, local)
	assert.Equal(t, metav1.ConditionTrue, cond.Status)

	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"gpol-early", "gpol-good", "gpol-team/gpol-local"}, policyKeys(store))
	}, wait, 100*time.Millisecond)
	require.NoError(t, c.Delete(ctx, good))
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"gpol-early", "gpol-team/gpol-local"}, policyKeys(store))
	}, wait, 100*time.Millisecond)
}
