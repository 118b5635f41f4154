package monitor

import (
	"context"
	"encoding/pem"
	"net"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-logr/logr"
	"github.com/go-logr/logr/testr"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// TestMonitorAgainstAPIServer runs the monitor's probes against a real API server that calls Handler through the
// monitor configuration: stamped while the configuration leads to it; not called once it leads elsewhere, then
// repaired once by the leader; called again after the repair.
func TestMonitorAgainstAPIServer(t *testing.T) {
	cfg := controlPlane(t)
	ctx := logr.NewContext(t.Context(), testr.New(t))
	c, err := client.New(cfg, client.Options{})
	require.NoError(t, err)
	const ns = "bylaw-system"
	require.NoError(t, client.IgnoreAlreadyExists(c.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}})))
	srv := httptest.NewTLSServer(&Handler{Namespace: ns, Replica: "answering-replica"})
	t.Cleanup(srv.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	opts := registration.Options{URL: srv.URL,
		Monitor: &registration.Monitor{Namespace: ns, LabelKey: LabelMonitor, LabelValue: LabelValue}}
	configure := func(url string) {
		o := opts
		o.URL = url
		want := registration.DesiredMonitor(ca, o)
		var cur admissionregistrationv1.MutatingWebhookConfiguration
		if err := c.Get(ctx, client.ObjectKeyFromObject(want), &cur); err == nil {
			want.ResourceVersion = cur.ResourceVersion
			require.NoError(t, c.Update(ctx, want))
			return
		}
		require.NoError(t, c.Create(ctx, want))
	}
	configure(srv.URL)
	t.Cleanup(func() { _ = c.Delete(context.Background(), registration.DesiredMonitor(ca, opts)) })

	repairs := 0
	m := &Monitor{Client: c, Namespace: ns, Replica: "r1", Interval: time.Second, Timeout: 2 * time.Second,
		IsLeader: func() bool { return true }, Status: &Status{},
		Repair: func(context.Context) error { repairs++; configure(srv.URL); return nil }}
	tracker := NewTracker(m.Timeout, time.Now())
	waitFor := func(status metav1.ConditionStatus) *StatusView {
		t.Helper()
		require.Eventually(t, func() bool {
			m.step(ctx, tracker)
			return m.Status.Get().Condition.Status == status
		}, 30*time.Second, 200*time.Millisecond, "condition %s, last %+v", status, m.Status.Get())
		return m.Status.Get()
	}
	healthy := waitFor(metav1.ConditionTrue)
	assert.Equal(t, ReasonCalled, healthy.Condition.Reason)
	assert.Equal(t, "bylaw-webhook-monitor-r1", healthy.Lease)
	assert.Equal(t, "answering-replica", m.lease.Annotations[AnnotationAnsweredBy])
	assert.Zero(t, repairs)

	// Pointed elsewhere: a port where nothing listens. The probe fails open, unstamped; the leader repairs.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	nowhere := "https://" + l.Addr().String()
	require.NoError(t, l.Close())
	m.Repair = func(context.Context) error { repairs++; return nil } // the first repair does not help
	configure(nowhere)
	unhealthy := waitFor(metav1.ConditionFalse)
	assert.Equal(t, ReasonNotCalled, unhealthy.Condition.Reason)
	assert.Equal(t, 1, repairs, "repaired once, when the outage was seen")
	for range 3 {
		m.step(ctx, tracker)
	}
	assert.Equal(t, 1, repairs, "and not again during the same outage")

	configure(srv.URL) // what a working repair does
	again := waitFor(metav1.ConditionTrue)
	require.NotNil(t, again.LastCall)
	assert.True(t, again.LastCall.After(healthy.LastCall.Time), "the stamp advanced")
}
