package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

// failoverAdmissionOnly is an admission-only Audit policy on the Pods named adm-*. It fails open: while the crashed
// replica is still the webhook's URL, Pods are created without it.
const failoverAdmissionOnly = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata:
  name: e2e-failover-admission
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  background: false
  failurePolicy: Ignore
  rules:
  - name: owner
    match:
      any:
      - resources:
          kinds: [Pod]
          names: ["adm-*"]
          namespaces: [faults-failover]
    validate:
      failureAction: Audit
      message: "adm pods need an owner"
      pattern:
        metadata:
          labels:
            owner: "?*"
`

// apiServerDowntime stays under the leader's renew deadline (10 s), so the leader keeps its Lease across the restart.
const apiServerDowntime = 4 * time.Second

func TestReportsSurviveAnAPIServerRestartMidScan(t *testing.T) {
	resetPolicies(t)
	const ns = "faults-restart"
	namespace(t, ns)
	applyYAML(t, requireTeamScan)
	t.Cleanup(func() { deleteYAML(t, requireTeamScan) })
	policyReady(t, "e2e-require-team")
	// Pods created after the policy are scanned one by one (a GET each, at --scan-rate): the scan takes seconds.
	createPods(t, ns, 0, 1000)
	eventually(t, reportWait, "a partial report", func() error {
		got, err := reportCounts(context.Background(), ns)
		if err != nil || got.pass+got.fail == 0 || got.pass+got.fail >= 1000 {
			return fmt.Errorf("not partial: %+v (err %v)", got, err)
		}
		return nil
	})
	apiServer := env.testEnv.ControlPlane.APIServer
	require.NoError(t, apiServer.Stop())
	time.Sleep(apiServerDowntime) // the outage itself
	require.NoError(t, apiServer.Start())
	if env.primary.exited() {
		// The outage outlasted the Lease's renew deadline: the leader exits, as controller-runtime does, and the
		// kubelet would start it again. Do what the kubelet does.
		t.Log("bylaw serve lost its Lease during the outage and exited; starting it again")
		var err error
		env.primary, err = startReplica(env.primary.ports, env.logs)
		require.NoError(t, err)
	}
	took := reportIs(t, ns, counts{pass: 750, fail: 250})
	t.Logf("report complete %s after the API server came back", took.Round(time.Millisecond))
}

// policyReady waits until a ClusterPolicy is Ready: in the store of the replicas.
func policyReady(t *testing.T, name string) {
	t.Helper()
	eventually(t, reportWait, "ClusterPolicy "+name+" Ready", func() error {
		var p v1alpha1.ClusterPolicy
		if err := env.client.Get(context.Background(), client.ObjectKey{Name: name}, &p); err != nil {
			return err
		}
		return readyIs(p.Status.Conditions, p.Generation, p.Status.ObservedGeneration, "True")
	})
}

func TestLeaderFailoverLosesNoReportAndGeneratesOnce(t *testing.T) {
	resetPolicies(t)
	const ns = "faults-failover"
	namespace(t, ns)
	ports, err := freePorts(3)
	require.NoError(t, err)
	standby, err := startReplica(ports, env.logs)
	require.NoError(t, err)
	createPods(t, ns, 0, 200)
	applyYAML(t, requireTeamScan)
	t.Cleanup(func() { deleteYAML(t, requireTeamScan) })
	reportIs(t, ns, counts{pass: 150, fail: 50})
	// An admission-only Audit result lives in the leader's memory and in the report alone.
	applyYAML(t, failoverAdmissionOnly)
	t.Cleanup(func() { deleteYAML(t, failoverAdmissionOnly) })
	policyReady(t, "e2e-failover-admission")
	auditServed(t, ns, "adm-probe", "adm pods need an owner")
	require.NoError(t, env.client.Create(context.Background(), pod(ns, "adm-1", false, map[string]string{"team": "a"})))
	reportIs(t, ns, counts{pass: 151, fail: 51})
	// adm-2 passes at admission (answered by the leader); then the standby answers an update of it that fails: the
	// standby hands the result to the leader (an AuditResult), whose report shows it.
	adm2 := pod(ns, "adm-2", false, map[string]string{"team": "a", "owner": "shop"})
	require.NoError(t, env.client.Create(context.Background(), adm2))
	reportIs(t, ns, counts{pass: 153, fail: 51})
	delete(adm2.Labels, "owner")
	require.True(t, reviewAt(t, standby, adm2, engine.Webhook{FailurePolicy: "Ignore", TimeoutSeconds: 10}), "Audit allows")
	reportIs(t, ns, counts{pass: 152, fail: 52})
	ctx := context.Background()
	require.NoError(t, client.IgnoreAlreadyExists(env.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "gen-source"}})))
	require.NoError(t, client.IgnoreAlreadyExists(env.client.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Namespace: "gen-source", Name: "base"}, Data: map[string]string{"level": "info"}})))
	applyYAML(t, namespaceBootstrap)
	t.Cleanup(func() { deleteYAML(t, namespaceBootstrap) })
	policyReady(t, "e2e-namespace-bootstrap")
	eventually(t, admissionWait, "namespaces sent to the validating webhook", namespacesRegistered)
	createGenerateTrigger(t, "failover-gen-before")
	generatedOnce(t, "failover-gen-before")

	crashed := leaseHolder(t)
	require.NoError(t, env.primary.stop(syscall.SIGKILL)) // the leader crashes: its Lease must expire
	createPods(t, ns, 200, 40)                            // changes while nobody leads
	require.NoError(t, env.client.Delete(context.Background(), pod(ns, "p-0000", false, nil)))
	took := reportIs(t, ns, counts{pass: 182, fail: 61}) // the admission-only failures of adm-1 and adm-2 included
	t.Logf("standby took over; report complete %s after the crash", took.Round(time.Millisecond))
	require.NotEqual(t, crashed, leaseHolder(t))
	createGenerateTrigger(t, "failover-gen-after") // admitted once the new leader points the webhook at itself
	generatedOnce(t, "failover-gen-after")
	generatedOnce(t, "failover-gen-before") // the new leader's generateExisting and resync make no second copy

	restorePrimary(t, standby)
}

// restorePrimary brings back one primary on the suite's ports, leading again, for the tests that follow, and stops
// the standby that took over.
func restorePrimary(t *testing.T, standby *replica) {
	t.Helper()
	var err error
	env.primary, err = startReplica(env.primary.ports, env.logs)
	require.NoError(t, err)
	standbyLease := leaseHolder(t)
	require.NoError(t, standby.stop(syscall.SIGTERM)) // graceful: the Lease is released at once
	eventually(t, 30*time.Second, "the restarted primary leads", func() error {
		if h := leaseHolder(t); h == standbyLease || h == "" {
			return errors.New("the standby still holds the Lease")
		}
		return nil
	})
	eventually(t, 30*time.Second, "the webhooks call the primary again", func() error {
		var cfg admissionregistrationv1.ValidatingWebhookConfiguration
		if err := env.client.Get(context.Background(), client.ObjectKey{Name: "bylaw-validating"}, &cfg); err != nil {
			return err
		}
		for _, w := range cfg.Webhooks {
			if w.ClientConfig.URL == nil || !strings.HasPrefix(*w.ClientConfig.URL, env.webhookURL) {
				return fmt.Errorf("webhook %s still calls %v", w.Name, w.ClientConfig.URL)
			}
		}
		return nil
	})
}

func leaseHolder(t *testing.T) string {
	t.Helper()
	var lease coordinationv1.Lease
	require.NoError(t, env.client.Get(context.Background(), client.ObjectKey{Namespace: bylawNamespace, Name: "bylaw-leader"}, &lease))
	if lease.Spec.HolderIdentity == nil {
		return ""
	}
	return *lease.Spec.HolderIdentity
}

// createGenerateTrigger creates a Namespace that namespaceBootstrap generates into, retrying while the webhook
// configuration still points at a replica that is gone.
func createGenerateTrigger(t *testing.T, name string) {
	t.Helper()
	eventually(t, reportWait, "Namespace "+name+" admitted", func() error {
		return client.IgnoreAlreadyExists(env.client.Create(context.Background(), &corev1.Namespace{
			ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"e2e-generate": "yes"}}}))
	})
}

// generatedOnce waits until ns holds its generated NetworkPolicy and ConfigMap, then checks that each exists once and
// that no GenerateRequest is left.
func generatedOnce(t *testing.T, ns string) {
	t.Helper()
	ctx := context.Background()
	selector := client.MatchingLabels{"generate.bylaw.dev/policy": "e2e-namespace-bootstrap"}
	eventually(t, reportWait, "objects generated in "+ns, func() error {
		var nps networkingv1.NetworkPolicyList
		var cms corev1.ConfigMapList
		if err := env.client.List(ctx, &nps, client.InNamespace(ns), selector); err != nil {
			return err
		}
		if err := env.client.List(ctx, &cms, client.InNamespace(ns), selector); err != nil {
			return err
		}
		if len(nps.Items) != 1 || len(cms.Items) != 1 {
			return fmt.Errorf("%d NetworkPolicies and %d ConfigMaps, want one each", len(nps.Items), len(cms.Items))
		}
		var grs v1alpha1.GenerateRequestList
		if err := env.client.List(ctx, &grs, client.InNamespace(bylawNamespace)); err != nil {
			return err
		}
		if len(grs.Items) != 0 {
			return fmt.Errorf("%d GenerateRequests left", len(grs.Items))
		}
		return nil
	})
}
