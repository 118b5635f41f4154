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

func dpolSpec(schedule string) policiesv1.DeletingPolicySpec {
	return policiesv1.DeletingPolicySpec{
		Schedule: schedule,
		MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
			RuleWithOperations: admissionregistrationv1.RuleWithOperations{
				Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
			}}}},
		Conditions: []admissionregistrationv1.MatchCondition{{Name: "old", Expression: "object.metadata.name.startsWith('old')"}},
	}
}

// Deleting policies are loaded into the store by the initial load (those that existed at start) and by their
// controllers (those created later); an invalid one is refused with Ready=False and conditionStatus.ready false.
func TestDeletingPoliciesReconciled(t *testing.T) {
	c := testClient(t)
	ctx := t.Context()
	require.NoError(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "dpol-team"}}))
	early := &policiesv1.DeletingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "dpol-early"}, Spec: dpolSpec("@hourly")}
	require.NoError(t, c.Create(ctx, early))
	store := startManager(t, nil, true)
	assert.Contains(t, policyKeys(store), "dpol-early", "the initial load reads deleting policies")

	good := &policiesv1.DeletingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "dpol-good"}, Spec: dpolSpec("*/1 * * * *")}
	bad := &policiesv1.DeletingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "dpol-bad"}, Spec: dpolSpec("every minute")}
	local := &policiesv1.NamespacedDeletingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "dpol-local", Namespace: "dpol-team"},
		Spec: dpolSpec("0 * * * *")}
	for _, o := range []client.Object{good, bad, local} {
		require.NoError(t, c.Create(ctx, o))
	}
	// The control plane is shared by the package's tests, which count the policies in their stores.
	t.Cleanup(func() {
		for _, o := range []client.Object{early, bad, local} {
			require.NoError(t, client.IgnoreNotFound(c.Delete(context.Background(), o)))
		}
	})
	tests := []struct {
		obj        deletingObject
		wantStatus metav1.ConditionStatus
		wantReason string
	}{
		{good, metav1.ConditionTrue, ReasonLoaded},
		{bad, metav1.ConditionFalse, ReasonInvalid},
		{local, metav1.ConditionTrue, ReasonLoaded},
	}
	for _, tt := range tests {
		t.Run(tt.obj.GetName(), func(t *testing.T) {
			require.EventuallyWithT(t, func(ct *assert.CollectT) {
				require.NoError(ct, c.Get(ctx, client.ObjectKeyFromObject(tt.obj), tt.obj))
				cond := apimeta.FindStatusCondition(tt.obj.GetConditions(), meta.ReadyCondition)
				require.NotNil(ct, cond)
				assert.Equal(ct, tt.wantStatus, cond.Status)
				assert.Equal(ct, tt.wantReason, cond.Reason)
				require.NotNil(ct, tt.obj.GetStatus().ConditionStatus.Ready)
				assert.Equal(ct, tt.wantStatus == metav1.ConditionTrue, *tt.obj.GetStatus().ConditionStatus.Ready)
			}, wait, 100*time.Millisecond)
		})
	}
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"dpol-early", "dpol-good", "dpol-team/dpol-local"}, policyKeys(store))
	}, wait, 100*time.Millisecond)
	for _, p := range store.Snapshot().Policies {
		require.NotNil(t, p.Cleanup(), p.Key())
	}
	require.NoError(t, c.Delete(ctx, good))
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"dpol-early", "dpol-team/dpol-local"}, policyKeys(store))
	}, wait, 100*time.Millisecond)
}
