package policy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	admissionregistrationv1alpha1 "k8s.io/api/admissionregistration/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	bylawpolicy "github.com/bylaw-dev/bylaw/policy"
)

func mpolSpec(expression string) policiesv1.MutatingPolicySpec {
	return policiesv1.MutatingPolicySpec{
		MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
			RuleWithOperations: admissionregistrationv1.RuleWithOperations{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
			}}}},
		Mutations: []admissionregistrationv1alpha1.Mutation{{PatchType: admissionregistrationv1alpha1.PatchTypeApplyConfiguration,
			ApplyConfiguration: &admissionregistrationv1alpha1.ApplyConfiguration{Expression: expression}}},
	}
}

// mutatingReadyOf returns the Ready condition and conditionStatus.ready of a mutating policy, once observed.
func mutatingReadyOf(t *testing.T, c client.Client, obj mutatingObject) (*metav1.Condition, *bool) {
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

func TestMutatingPoliciesReconciled(t *testing.T) {
	c := testClient(t)
	ctx := t.Context()
	require.NoError(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "mpol-team"}}))
	// one policy exists before the manager starts: the initial load reads it.
	early := &policiesv1.MutatingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "mpol-early"}, Spec: mpolSpec("Object{}")}
	require.NoError(t, c.Create(ctx, early))
	store := startManager(t, nil, true)
	assert.Contains(t, mutatingKeys(store), "mpol-early", "the initial load reads MutatingPolicies")

	good := &policiesv1.MutatingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "mpol-good"},
		Spec: mpolSpec("Object{metadata: Object.metadata{labels: {'a': 'b'}}}")}
	bad := &policiesv1.MutatingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "mpol-bad"}, Spec: mpolSpec("'not an Object'")}
	local := &policiesv1.NamespacedMutatingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "mpol-local", Namespace: "mpol-team"},
		Spec: mpolSpec("Object{}")}
	for _, o := range []client.Object{good, bad, local} {
		require.NoError(t, c.Create(ctx, o))
	}
	// the control plane is shared with the other tests of the package: leave nothing behind.
	t.Cleanup(func() {
		for _, o := range []client.Object{early, good, bad, local} {
			_ = client.IgnoreNotFound(c.Delete(context.Background(), o))
		}
	})
	cond, ready := mutatingReadyOf(t, c, good)
	assert.Equal(t, metav1.ConditionTrue, cond.Status)
	assert.Equal(t, ReasonLoaded, cond.Reason)
	assert.Equal(t, new(true), ready)
	assert.Contains(t, good.Status.Autogen.Configs, bylawpolicy.AutogenConfigDefaults, "status.autogen is written")

	cond, ready = mutatingReadyOf(t, c, bad)
	assert.Equal(t, metav1.ConditionFalse, cond.Status)
	assert.Equal(t, ReasonInvalid, cond.Reason)
	assert.Contains(t, cond.Message, "mutations[0].applyConfiguration.expression")
	assert.Equal(t, new(false), ready)

	cond, _ = mutatingReadyOf(t, c, local)
	assert.Equal(t, metav1.ConditionTrue, cond.Status)
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"mpol-early", "mpol-good", "mpol-team/mpol-local"}, mutatingKeys(store))
	}, wait, 100*time.Millisecond)
	require.NoError(t, c.Delete(ctx, good))
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"mpol-early", "mpol-team/mpol-local"}, mutatingKeys(store))
	}, wait, 100*time.Millisecond)
}

// mutatingKeys returns the keys of the store's policies that this file's test created.
func mutatingKeys(store *bylawpolicy.Store) []string {
	var out []string
	for _, k := range policyKeys(store) {
		if strings.HasPrefix(k, "mpol-") {
			out = append(out, k)
		}
	}
	return out
}
