package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// monitorPolicies needs both policy webhooks (a validate and a mutate rule), both failing open.
const monitorPolicies = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata:
  name: e2e-monitor
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  background: false
  failurePolicy: Ignore
  rules:
  - name: label
    match:
      any:
      - resources:
          kinds: [ConfigMap]
          namespaces: [monitor-e2e]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            monitored: "yes"
  - name: owner
    match:
      any:
      - resources:
          kinds: [ConfigMap]
          namespaces: [monitor-e2e]
    validate:
      failureAction: Audit
      message: "configmaps need an owner"
      pattern:
        metadata:
          labels:
            owner: "?*"
`

// restoreWait bounds the restoration of a configuration deleted or edited by hand: the watch (measured: tens of ms),
// not the resync (10 s in this suite), must do it.
const restoreWait = 2 * time.Second

// webhookConfigurations returns Bylaw's three configurations, as empty objects to read into.
func webhookConfigurations() []client.Object {
	return []client.Object{
		&admissionregistrationv1.ValidatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "bylaw-validating"}},
		&admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "bylaw-mutating"}},
		&admissionregistrationv1.MutatingWebhookConfiguration{ObjectMeta: metav1.ObjectMeta{Name: "bylaw-monitor"}},
	}
}

func TestDeletedWebhookConfigurationsAreRestored(t *testing.T) {
	ctx := context.Background()
	applyYAML(t, monitorPolicies)
	t.Cleanup(func() { deleteYAML(t, monitorPolicies) })
	policyReady(t, "e2e-monitor")
	uids := map[string]string{}
	eventually(t, admissionWait, "the three configurations present", func() error {
		for _, obj := range webhookConfigurations() {
			if err := env.client.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
				return err
			}
			uids[obj.GetName()] = string(obj.GetUID())
		}
		return nil
	})
	start := time.Now()
	for _, obj := range webhookConfigurations() {
		require.NoError(t, env.client.Delete(ctx, obj))
	}
	eventually(t, restoreWait, "the three configurations restored", func() error {
		for _, obj := range webhookConfigurations() {
			if err := env.client.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
				return err
			}
			if string(obj.GetUID()) == uids[obj.GetName()] {
				return fmt.Errorf("%s not deleted yet", obj.GetName())
			}
		}
		return nil
	})
	t.Logf("deleted by hand -> all three restored: %s after the first delete (resync interval 10s)",
		time.Since(start).Round(time.Millisecond))

	// Edited by hand: the monitor webhook pointed elsewhere is pointed back.
	var monitorCfg admissionregistrationv1.MutatingWebhookConfiguration
	require.NoError(t, env.client.Get(ctx, client.ObjectKey{Name: "bylaw-monitor"}, &monitorCfg))
	want := *monitorCfg.Webhooks[0].ClientConfig.URL
	elsewhere := "https://127.0.0.1:1/monitor"
	monitorCfg.Webhooks[0].ClientConfig.URL = &elsewhere
	start = time.Now()
	require.NoError(t, env.client.Update(ctx, &monitorCfg))
	eventually(t, restoreWait, "the monitor webhook pointed back", func() error {
		var got admissionregistrationv1.MutatingWebhookConfiguration
		if err := env.client.Get(ctx, client.ObjectKey{Name: "bylaw-monitor"}, &got); err != nil {
			return err
		}
		if u := got.Webhooks[0].ClientConfig.URL; u == nil || *u != want {
			return fmt.Errorf("calls %v", u)
		}
		return nil
	})
	t.Logf("edited by hand -> restored: %s", time.Since(start).Round(time.Millisecond))
}

// monitorLease returns the monitor Lease of the primary replica.
func monitorLease(t *testing.T) *coordinationv1.Lease {
	t.Helper()
	var lease coordinationv1.Lease
	require.NoError(t, env.client.Get(context.Background(), client.ObjectKey{Namespace: bylawNamespace,
		Name: "bylaw-webhook-monitor-" + replicaName(env.primary.ports[0])}, &lease))
	return &lease
}

func calledAt(t *testing.T, lease *coordinationv1.Lease) time.Time {
	t.Helper()
	raw, ok := lease.Annotations["bylaw.dev/webhook-called-at"]
	if !ok {
		return time.Time{}
	}
	at, err := time.Parse(time.RFC3339Nano, raw)
	require.NoError(t, err)
	return at
}

func TestMonitorLeaseIsStampedWhileHealthy(t *testing.T) {
	var first time.Time
	eventually(t, 3*monitorTimeout, "a stamped monitor Lease", func() error {
		if first = calledAt(t, monitorLease(t)); first.IsZero() {
			return errors.New("no stamp")
		}
		return nil
	})
	eventually(t, 3*monitorInterval+2*time.Second, "the stamp advances", func() error {
		lease := monitorLease(t)
		if at := calledAt(t, lease); !at.After(first) {
			return fmt.Errorf("stamp %s, first %s", at, first)
		}
		assert.True(t, strings.HasPrefix(lease.Annotations["bylaw.dev/webhook-answered-by"], "e2e-"),
			"answered by a replica: %v", lease.Annotations)
		assert.Equal(t, replicaName(env.primary.ports[0]), *lease.Spec.HolderIdentity)
		return nil
	})
	cond := monitorCondition(t)
	assert.Equal(t, "True", string(cond.Status), cond.Message)
	assert.Equal(t, "WebhookCalled", cond.Reason)
}

// monitorCondition returns the primary's monitor condition from /status.
func monitorCondition(t *testing.T) metav1.Condition {
	t.Helper()
	var status struct {
		Monitor *struct {
			Condition metav1.Condition `json:"condition"`
		} `json:"webhookMonitor"`
	}
	require.NoError(t, json.Unmarshal([]byte(scrape(t, "/status")), &status))
	require.NotNil(t, status.Monitor, "no webhookMonitor in /status")
	return status.Monitor.Condition
}

// lastRequestMetric returns bylaw_webhook_last_request_seconds of the primary.
func lastRequestMetric(t *testing.T) time.Time {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(scrape(t, "/metrics")))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "bylaw_webhook_last_request_seconds "); ok {
			f, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			return time.Unix(0, int64(f*1e9))
		}
	}
	t.Fatal("no bylaw_webhook_last_request_seconds in /metrics")
	return time.Time{}
}

// monitorEvent returns nil when a monitor Lease has an event of that type and reason issued after since.
func monitorEvent(kind, reason string, since time.Time) error {
	var list eventsv1.EventList
	if err := env.client.List(context.Background(), &list, client.InNamespace(bylawNamespace)); err != nil {
		return err
	}
	for _, e := range list.Items {
		at := e.EventTime.Time
		if e.Series != nil {
			at = e.Series.LastObservedTime.Time
		}
		if e.Reason == reason && e.Type == kind && strings.HasPrefix(e.Regarding.Name, "bylaw-webhook-monitor-") &&
			!at.Before(since.Truncate(time.Second)) {
			return nil
		}
	}
	return fmt.Errorf("no %s event %s since %s among %d", kind, reason, since.Format(time.TimeOnly), len(list.Items))
}

// When the API server can no longer reach Bylaw (the address the configurations name leads elsewhere), the
// condition, an event and the metric say so within the monitor's bound and the leader rewrites the configurations;
// once the path works again the stamp advances and the condition recovers.
func TestMonitorReportsAndRepairsWhenTheWebhookIsNotCalled(t *testing.T) {
	ctx := context.Background()
	eventually(t, 3*monitorTimeout, "monitor healthy", func() error {
		if c := monitorCondition(t); c.Status != metav1.ConditionTrue {
			return fmt.Errorf("%s %s: %s", c.Status, c.Reason, c.Message)
		}
		return nil
	})
	before := calledAt(t, monitorLease(t))
	cut := time.Now()
	env.primary.front.cut()
	t.Cleanup(env.primary.front.heal)
	took := eventually(t, monitorTimeout+5*time.Second, "condition False", func() error {
		if c := monitorCondition(t); c.Status != metav1.ConditionFalse || c.Reason != "WebhookNotCalled" {
			return fmt.Errorf("%s %s: %s", c.Status, c.Reason, c.Message)
		}
		return nil
	})
	t.Logf("webhook unreachable -> condition WebhookCalled=False after %s (timeout %s)", took.Round(time.Millisecond), monitorTimeout)
	assert.Greater(t, time.Since(lastRequestMetric(t)), monitorTimeout, "the metric shows the last call is stale")
	eventually(t, 10*time.Second, "Warning WebhookNotCalled", func() error { return monitorEvent("Warning", "WebhookNotCalled", cut) })
	eventually(t, 10*time.Second, "Normal WebhookRepaired", func() error { return monitorEvent("Normal", "WebhookRepaired", cut) })
	for _, obj := range webhookConfigurations() {
		err := env.client.Get(ctx, client.ObjectKeyFromObject(obj), obj)
		if apierrors.IsNotFound(err) && obj.GetName() != "bylaw-monitor" {
			continue // no policy needs it now
		}
		require.NoError(t, err)
		at, err := time.Parse(time.RFC3339, obj.GetAnnotations()["bylaw.dev/repaired-at"])
		require.NoError(t, err, "%s repaired: %v", obj.GetName(), obj.GetAnnotations())
		assert.False(t, at.Before(cut.Truncate(time.Second)), "%s repaired at %s, cut at %s", obj.GetName(), at, cut)
	}

	healed := time.Now()
	env.primary.front.heal()
	took = eventually(t, monitorTimeout+5*time.Second, "stamp advances again", func() error {
		if at := calledAt(t, monitorLease(t)); !at.After(before) || at.Before(healed) {
			return fmt.Errorf("stamp %s", at)
		}
		return nil
	})
	t.Logf("path restored -> stamped again after %s", took.Round(time.Millisecond))
	eventually(t, 2*monitorInterval+2*time.Second, "condition True", func() error {
		if c := monitorCondition(t); c.Status != metav1.ConditionTrue {
			return fmt.Errorf("%s %s", c.Status, c.Reason)
		}
		return nil
	})
	assert.WithinDuration(t, time.Now(), lastRequestMetric(t), monitorTimeout)
	eventually(t, 10*time.Second, "Normal WebhookCalled", func() error { return monitorEvent("Normal", "WebhookCalled", healed) })
}

// A replica's orderly stop (SIGTERM, as in a rolling update) leaves the webhook configurations alone;
// `bylaw serve --uninstall-webhooks` deletes them and the monitor Leases.
func TestOnlyTheUninstallRemovesTheWebhookConfigurations(t *testing.T) {
	ctx := context.Background()
	applyYAML(t, monitorPolicies)
	t.Cleanup(func() { deleteYAML(t, monitorPolicies) })
	policyReady(t, "e2e-monitor")
	uids := func() map[string]string {
		out := map[string]string{}
		eventually(t, admissionWait, "the three configurations present", func() error {
			for _, obj := range webhookConfigurations() {
				if err := env.client.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
					return err
				}
				out[obj.GetName()] = string(obj.GetUID())
			}
			return nil
		})
		return out
	}
	ports, err := freePorts(3)
	require.NoError(t, err)
	standby, err := startReplica(ports, env.logs)
	require.NoError(t, err)
	standbyLease := client.ObjectKey{Namespace: bylawNamespace, Name: "bylaw-webhook-monitor-" + replicaName(ports[0])}
	eventually(t, 10*time.Second, "the standby's monitor Lease", func() error {
		return env.client.Get(ctx, standbyLease, &coordinationv1.Lease{})
	})
	before := uids()
	require.NoError(t, standby.stop(syscall.SIGTERM))
	time.Sleep(time.Second)
	assert.Equal(t, before, uids(), "a stopped replica deleted nothing")

	cmd := exec.Command(env.bin, "serve", "--uninstall-webhooks", "--kubeconfig", env.kubeconfig,
		"--namespace", bylawNamespace, "--log-format", "console")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	for name := range before {
		assert.Regexp(t, `deleted webhook configuration.*"`+name+`"`, string(out))
	}
	err = env.client.Get(ctx, standbyLease, &coordinationv1.Lease{})
	assert.True(t, apierrors.IsNotFound(err), "the monitor Leases are deleted: %v", err)
	// The suite's primary still runs, and leads: it re-creates what the uninstall deleted (so: uninstall after the
	// Deployment is gone), and its monitor Lease.
	after := uids()
	for name, uid := range before {
		assert.NotEqual(t, uid, after[name], "%s was deleted", name)
	}
	eventually(t, 3*monitorTimeout, "the primary's Lease stamped again", func() error {
		var lease coordinationv1.Lease
		key := client.ObjectKey{Namespace: bylawNamespace, Name: "bylaw-webhook-monitor-" + replicaName(env.primary.ports[0])}
		if err := env.client.Get(ctx, key, &lease); err != nil {
			return err
		}
		if calledAt(t, &lease).IsZero() {
			return errors.New("no stamp")
		}
		return nil
	})
}
