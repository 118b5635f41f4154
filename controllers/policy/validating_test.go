package policy

import (
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
	bylawpolicy "github.com/bylaw-dev/bylaw/policy"
)

func vpolSpec(expression string) policiesv1.ValidatingPolicySpec {
	return policiesv1.ValidatingPolicySpec{
		MatchConstraints: &admissionregistrationv1.MatchResources{ResourceRules: []admissionregistrationv1.NamedRuleWithOperations{{
			RuleWithOperations: admissionregistrationv1.RuleWithOperations{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create},
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"pods"}},
			}}}},
		Validations: []admissionregistrationv1.Validation{{Expression: expression, Message: "m"}},
	}
}

// readyOf returns the Ready condition and conditionStatus.ready of a validating policy, once observed.
func readyOf(t *testing.T, c client.Client, obj validatingObject) (*metav1.Condition, *bool) {
	t.Helper()
	var cond *metav1.Condition
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		require.NoError(ct, c.Get(t.Context(), client.ObjectKeyFromObject(obj), obj))
		cond = apimeta.FindStatusCondition(obj.GetConditions(), meta.ReadyCondition)
		require.NotNil(ct, cond)
		assert.Equal(ct, obj.GetGeneration(), cond.ObservedGeneration)
		// the patch helper writes conditions and the rest of the status in two requests: wait for both
		assert.NotNil(ct, obj.GetStatus().ConditionStatus.Ready)
	}, wait, 100*time.Millisecond)
	return cond, obj.GetStatus().ConditionStatus.Ready
}

func TestValidatingPoliciesReconciled(t *testing.T) {
	c := testClient(t)
	ctx := t.Context()
	require.NoError(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "vpol-team"}}))
	store := startManager(t, ExceptionNamespaces{"vpol-team"}, true)

	good := &policiesv1.ValidatingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "vpol-good"}, Spec: vpolSpec("true")}
	bad := &policiesv1.ValidatingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "vpol-bad"}, Spec: vpolSpec("object.(")}
	local := &policiesv1.NamespacedValidatingPolicy{ObjectMeta: metav1.ObjectMeta{Name: "vpol-local", Namespace: "vpol-team"},
		Spec: vpolSpec("true")}
	for _, o := range []client.Object{good, bad, local} {
		require.NoError(t, c.Create(ctx, o))
	}
	cond, ready := readyOf(t, c, good)
	assert.Equal(t, metav1.ConditionTrue, cond.Status)
	assert.Equal(t, ReasonLoaded, cond.Reason)
	assert.Equal(t, new(true), ready)
	cached := apimeta.FindStatusCondition(good.Status.ConditionStatus.Conditions, policiesv1.ConditionPolicyCached)
	require.NotNil(t, cached)
	assert.Equal(t, metav1.ConditionTrue, cached.Status)

	assert.Contains(t, good.Status.Autogen.Configs, bylawpolicy.AutogenConfigCronJobs, "status.autogen is written")

	cond, ready = readyOf(t, c, bad)
	assert.Equal(t, metav1.ConditionFalse, cond.Status)
	assert.Equal(t, ReasonInvalid, cond.Reason)
	assert.Equal(t, new(false), ready)
	assert.True(t, apimeta.IsStatusConditionTrue(bad.Status.Conditions, meta.StalledCondition))

	cond, _ = readyOf(t, c, local)
	assert.Equal(t, metav1.ConditionTrue, cond.Status)
	require.Contains(t, local.Status.Autogen.Configs, bylawpolicy.AutogenConfigCronJobs, "status.autogen is written")
	assert.Equal(t, "CronJob", local.Status.Autogen.Configs[bylawpolicy.AutogenConfigCronJobs].Targets[0].Kind)

	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"vpol-good", "vpol-team/vpol-local"}, policyKeys(store))
	}, wait, 100*time.Millisecond)
	require.NoError(t, c.Delete(ctx, good))
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"vpol-team/vpol-local"}, policyKeys(store))
	}, wait, 100*time.Millisecond)
}

func TestCELExceptionsReconciled(t *testing.T) {
	c := testClient(t)
	ctx := t.Context()
	for _, ns := range []string{"cex-trusted", "cex-tenant"} {
		require.NoError(t, c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
	}
	store := startManager(t, ExceptionNamespaces{"cex-trusted"}, true)
	spec := policiesv1.PolicyExceptionSpec{PolicyRefs: []policiesv1.PolicyRef{{Name: "p", Kind: policiesv1.ValidatingPolicyKind}}}
	soon := metav1.NewTime(time.Now().Add(4 * time.Second))
	xs := []*policiesv1.PolicyException{
		{ObjectMeta: metav1.ObjectMeta{Name: "trusted", Namespace: "cex-trusted"}, Spec: spec},
		{ObjectMeta: metav1.ObjectMeta{Name: "tenant", Namespace: "cex-tenant"}, Spec: spec},
		{ObjectMeta: metav1.ObjectMeta{Name: "expiring", Namespace: "cex-trusted"}, Spec: spec},
	}
	xs[2].Spec.ExpiresAt = &soon
	for _, x := range xs {
		require.NoError(t, c.Create(ctx, x))
	}
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"cex-trusted/trusted", "cex-trusted/expiring"}, exceptionKeys(store))
	}, wait, 100*time.Millisecond)
	tenant := &policiesv1.PolicyException{}
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		require.NoError(ct, c.Get(ctx, client.ObjectKeyFromObject(xs[1]), tenant))
		cond := apimeta.FindStatusCondition(tenant.Status.Conditions, meta.ReadyCondition)
		require.NotNil(ct, cond)
		assert.Equal(ct, ReasonUntrustedNamespace, cond.Reason)
	}, wait, 100*time.Millisecond)

	// At expiresAt the exception leaves the store, and its status says so.
	require.EventuallyWithT(t, func(ct *assert.CollectT) {
		assert.ElementsMatch(ct, []string{"cex-trusted/trusted"}, exceptionKeys(store))
		expired := &policiesv1.PolicyException{}
		require.NoError(ct, c.Get(ctx, client.ObjectKeyFromObject(xs[2]), expired))
		assert.True(ct, expired.Status.Expired)
		assert.Equal(ct, ReasonExpired, apimeta.FindStatusCondition(expired.Status.Conditions, meta.ReadyCondition).Reason)
	}, wait, 200*time.Millisecond)
}

func policyKeys(store *bylawpolicy.Store) []string {
	var out []string
	for _, p := range store.Snapshot().Policies {
		out = append(out, p.Key())
	}
	return out
}
