package registration

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
)

func monitorOptions() Options {
	opts := testOptions()
	opts.Monitor = &Monitor{Namespace: "bylaw-system", LabelKey: "bylaw.dev/webhook-monitor", LabelValue: "true"}
	return opts
}

func TestDesiredMonitor(t *testing.T) {
	assert.Nil(t, DesiredMonitor([]byte("ca"), testOptions()), "no monitor, no configuration")
	bad := monitorOptions()
	bad.Monitor.LabelKey = ""
	assert.Nil(t, DesiredMonitor([]byte("ca"), bad), "invalid options")

	got := DesiredMonitor([]byte("ca"), monitorOptions())
	require.NotNil(t, got)
	assert.Equal(t, DefaultMonitorName, got.Name)
	assert.Equal(t, ManagedBy, got.Labels[LabelManagedBy])
	require.Len(t, got.Webhooks, 1)
	w := got.Webhooks[0]
	assert.Equal(t, "monitor.bylaw.dev", w.Name)
	assert.Equal(t, admissionregistrationv1.Ignore, *w.FailurePolicy, "a probe fails open")
	assert.Equal(t, admissionregistrationv1.SideEffectClassNone, *w.SideEffects)
	assert.Equal(t, int32(3), *w.TimeoutSeconds)
	assert.Equal(t, []byte("ca"), w.ClientConfig.CABundle)
	require.NotNil(t, w.ClientConfig.URL)
	assert.Equal(t, "https://127.0.0.1:9443"+MonitorPath, *w.ClientConfig.URL)
	assert.Equal(t, []string{"coordination.k8s.io/v1 leases UPDATE Namespaced"}, describeRules(w.Rules))
	assert.Equal(t, &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": "bylaw-system"}},
		w.NamespaceSelector, "Bylaw's namespace, which the policy webhooks exclude")
	assert.Equal(t, &metav1.LabelSelector{MatchLabels: map[string]string{"bylaw.dev/webhook-monitor": "true"}},
		w.ObjectSelector, "the monitor Leases only")
}

func monitorConfiguration(t *testing.T, c client.Client) *admissionregistrationv1.MutatingWebhookConfiguration {
	t.Helper()
	m := &admissionregistrationv1.MutatingWebhookConfiguration{}
	err := c.Get(context.Background(), client.ObjectKey{Name: DefaultMonitorName}, m)
	if apierrors.IsNotFound(err) {
		return nil
	}
	require.NoError(t, err)
	return m
}

func TestSyncKeepsTheMonitorWithoutPolicies(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().Build()
	s := &Syncer{Mapper: testMapper(), Options: monitorOptions()}
	require.NoError(t, s.Sync(ctx, c, nil, []byte("ca")))
	v, m := configurations(t, c)
	assert.Nil(t, v, "no policy, no policy webhooks")
	assert.Nil(t, m)
	require.NotNil(t, monitorConfiguration(t, c), "the monitor's configuration exists whatever the policy set")

	s.Options.Monitor = nil
	require.NoError(t, s.Sync(ctx, c, nil, []byte("ca")))
	assert.Nil(t, monitorConfiguration(t, c), "monitor off: its configuration is deleted")
}

func TestRepairRewritesEveryConfiguration(t *testing.T) {
	ctx := context.Background()
	c := fake.NewClientBuilder().Build()
	s := &Syncer{Mapper: testMapper(), Options: monitorOptions()}
	both := loadPolicies(t, clusterPolicy("p", rule("r", "validate", []string{"Pod"}), rule("m", "mutate", []string{"Pod"})))
	require.NoError(t, s.Sync(ctx, c, both, []byte("ca")))
	v1, m1 := configurations(t, c)
	mon1 := monitorConfiguration(t, c)

	require.NoError(t, s.Repair(ctx, c, both, []byte("ca"), "2026-12-07T17:00:00Z"))
	v2, m2 := configurations(t, c)
	mon2 := monitorConfiguration(t, c)
	for _, pair := range [][2]client.Object{{v1, v2}, {m1, m2}, {mon1, mon2}} {
		before, after := pair[0], pair[1]
		assert.NotEqual(t, before.GetResourceVersion(), after.GetResourceVersion(), "%s rewritten though equal", after.GetName())
		assert.Equal(t, "2026-12-07T17:00:00Z", after.GetAnnotations()[AnnotationRepairedAt], after.GetName())
	}

	// A repair re-creates a configuration that is gone, stamped too.
	require.NoError(t, c.Delete(ctx, v2))
	require.NoError(t, s.Repair(ctx, c, both, []byte("ca"), "2026-12-07T17:01:00Z"))
	v3, _ := configurations(t, c)
	require.NotNil(t, v3)
	assert.Equal(t, "2026-12-07T17:01:00Z", v3.Annotations[AnnotationRepairedAt])

	// A plain sync afterwards writes nothing.
	require.NoError(t, s.Sync(ctx, c, both, []byte("ca")))
	v4, _ := configurations(t, c)
	assert.Equal(t, v3.ResourceVersion, v4.ResourceVersion)
}

func TestOptionsNames(t *testing.T) {
	v, m, mon := Options{}.Names()
	assert.Equal(t, []string{"bylaw-validating", "bylaw-mutating", "bylaw-monitor"}, []string{v, m, mon})
	v, m, mon = Options{ValidatingName: "a", MutatingName: "b", MonitorName: "c"}.Names()
	assert.Equal(t, []string{"a", "b", "c"}, []string{v, m, mon})
}
