package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/server"
)

const disallowPrivileged = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata:
  name: disallow-privileged
spec:
  validationFailureAction: Enforce
  rules:
  - name: privileged-containers
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "%s"
      pattern:
        spec:
          containers:
          - =(securityContext):
              =(privileged): "false"
`

const admissionWait = 30 * time.Second

func TestEnforceDeniesAndAdmits(t *testing.T) {
	namespace(t, "shop")
	applyYAML(t, fmt.Sprintf(disallowPrivileged, "Privileged mode is disallowed."))
	eventually(t, admissionWait, "privileged pod denied", func() error {
		return deniedWith(createDryRun(pod("shop", "probe", true, nil)), "disallow-privileged", "privileged-containers",
			"Privileged mode is disallowed.")
	})
	ctx := context.Background()
	require.NoError(t, env.client.Create(ctx, pod("shop", "web", false, nil)), "a compliant pod is admitted")
	err := env.client.Create(ctx, pod("shop", "bad", true, nil))
	require.NoError(t, deniedWith(err, "resource Pod/shop/bad was blocked", "Privileged mode is disallowed."))
	assert.True(t, apierrors.IsForbidden(err) || apierrors.IsInvalid(err) || strings.Contains(err.Error(), "denied the request"), err.Error())

	var status v1alpha1.ClusterPolicy
	eventually(t, admissionWait, "policy Ready=True", func() error {
		if err := env.client.Get(ctx, client.ObjectKey{Name: "disallow-privileged"}, &status); err != nil {
			return err
		}
		return readyIs(status.Status.Conditions, status.Generation, status.Status.ObservedGeneration, "True")
	})
}

func TestNamespacedPolicyAppliesOnlyInItsNamespace(t *testing.T) {
	namespace(t, "team-a")
	namespace(t, "team-b")
	applyYAML(t, `apiVersion: bylaw.dev/v1alpha1
kind: Policy
metadata: {name: require-owner, namespace: team-a}
spec:
  validationFailureAction: Enforce
  rules:
  - name: owner
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate: {message: "label owner is required", pattern: {metadata: {labels: {owner: "?*"}}}}
`)
	eventually(t, admissionWait, "unlabelled pod denied in team-a", func() error {
		return deniedWith(createDryRun(pod("team-a", "probe", false, nil)), "require-owner", "label owner is required")
	})
	require.NoError(t, createDryRun(pod("team-b", "probe", false, nil)), "the Policy of team-a does not apply in team-b")
	require.NoError(t, createDryRun(pod("team-a", "probe", false, map[string]string{"owner": "me"})))
}

func TestMutationIsApplied(t *testing.T) {
	namespace(t, "mutate")
	applyYAML(t, `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: add-managed-by}
spec:
  rules:
  - name: managed-by
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate: {patchStrategicMerge: {metadata: {labels: {+(managed-by): bylaw}}}}
`)
	eventually(t, admissionWait, "label added by the mutating webhook", func() error {
		p := pod("mutate", "probe", false, nil)
		if err := env.client.Create(context.Background(), p, client.DryRunAll); err != nil {
			return err
		}
		if p.Labels["managed-by"] != "bylaw" {
			return fmt.Errorf("labels %v", p.Labels)
		}
		return nil
	})
	ctx := context.Background()
	kept := pod("mutate", "kept", false, map[string]string{"managed-by": "team"})
	require.NoError(t, env.client.Create(ctx, kept))
	require.NoError(t, env.client.Get(ctx, client.ObjectKeyFromObject(kept), kept))
	assert.Equal(t, "team", kept.Labels["managed-by"], "+() adds only when absent")
}

// warnings collects the API server's warning headers.
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.list
	w.list = nil
	return out
}

func TestAuditAllowsWithWarningAndEvent(t *testing.T) {
	namespace(t, "audit")
	applyYAML(t, `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: require-team}
spec:
  validationFailureAction: Audit
  rules:
  - name: team
    match: {any: [{resources: {kinds: [Pod], namespaces: [audit]}}]}
    validate: {message: "label team is required", pattern: {metadata: {labels: {team: "?*"}}}}
`)
	collected := &warnings{}
	cfg := rest.CopyConfig(env.cfg)
	cfg.WarningHandler = collected
	scheme, err := server.NewScheme()
	require.NoError(t, err)
	c, err := client.New(cfg, client.Options{Scheme: scheme})
	require.NoError(t, err)
	ctx := context.Background()
	eventually(t, admissionWait, "warning on an unlabelled pod", func() error {
		if err := c.Create(ctx, pod("audit", "probe", false, nil), client.DryRunAll); err != nil {
			return err
		}
		if w := strings.Join(collected.take(), "\n"); !strings.Contains(w, "label team is required") {
			return fmt.Errorf("warnings %q", w)
		}
		return nil
	})
	require.NoError(t, c.Create(ctx, pod("audit", "unlabelled", false, nil)), "Audit admits")
	eventually(t, admissionWait, "PolicyViolation event", func() error {
		var list eventsv1.EventList
		if err := env.client.List(ctx, &list); err != nil {
			return err
		}
		for _, e := range list.Items {
			if e.Reason == "PolicyViolation" && e.Regarding.Name == "require-team" && strings.Contains(e.Note, "Pod/audit/unlabelled") {
				return nil
			}
		}
		return fmt.Errorf("%d events, none for Pod/audit/unlabelled", len(list.Items))
	})
}

func TestPolicyUpdateTakesEffectWithinTwoSeconds(t *testing.T) {
	applyYAML(t, fmt.Sprintf(disallowPrivileged, "Privileged mode is disallowed."))
	eventually(t, admissionWait, "v1 in force", func() error {
		return deniedWith(createDryRun(pod("shop", "probe", true, nil)), "Privileged mode is disallowed.")
	})
	applyYAML(t, fmt.Sprintf(disallowPrivileged, "Privileged mode is disallowed (v2)."))
	took := eventually(t, 2*time.Second, "updated policy in force", func() error {
		return deniedWith(createDryRun(pod("shop", "probe", true, nil)), "Privileged mode is disallowed (v2).")
	})
	t.Logf("policy update took effect after %s", took.Round(time.Millisecond))
}

func TestInvalidPolicyIsReportedAndPreviousRulesStay(t *testing.T) {
	applyYAML(t, fmt.Sprintf(disallowPrivileged, "Privileged mode is disallowed (v2)."))
	eventually(t, admissionWait, "v2 in force", func() error {
		return deniedWith(createDryRun(pod("shop", "probe", true, nil)), "(v2)")
	})
	applyYAML(t, `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata:
  name: disallow-privileged
spec:
  validationFailureAction: Enforce
  rules:
  - name: privileged-containers
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "v3 must never be in force"
      deny:
        conditions:
          any:
          - {key: "{{ request.object.metadata.name | to_upper(( }}", operator: Equals, value: "x"}
`)
	ctx := context.Background()
	var p v1alpha1.ClusterPolicy
	eventually(t, admissionWait, "Ready=False with the reason", func() error {
		if err := env.client.Get(ctx, client.ObjectKey{Name: "disallow-privileged"}, &p); err != nil {
			return err
		}
		return readyIs(p.Status.Conditions, p.Generation, p.Status.ObservedGeneration, "False")
	})
	ready := apimeta.FindStatusCondition(p.Status.Conditions, meta.ReadyCondition)
	assert.Equal(t, "InvalidPolicy", ready.Reason)
	assert.Contains(t, ready.Message, "spec.rules[0]")
	t.Logf("Ready=False message: %s", ready.Message)
	require.NoError(t, deniedWith(createDryRun(pod("shop", "probe", true, nil)), "(v2)"), "the previous rules stay in force")
}

func TestCertificateRotationKeepsAdmissionWorking(t *testing.T) {
	first := servingCertificate(t)
	var second *x509.Certificate
	eventually(t, 90*time.Second, "serving certificate rotated", func() error {
		second = servingCertificate(t)
		if second.SerialNumber.Cmp(first.SerialNumber) == 0 {
			return errors.New("same certificate")
		}
		return nil
	})
	t.Logf("rotated: %s (until %s) -> %s (until %s)", first.SerialNumber, first.NotAfter.Format(time.TimeOnly),
		second.SerialNumber, second.NotAfter.Format(time.TimeOnly))
	var secret corev1.Secret
	require.NoError(t, env.client.Get(context.Background(), client.ObjectKey{Namespace: bylawNamespace, Name: "bylaw-webhook-tls"}, &secret))
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(secret.Data["ca.crt"]))
	_, err := second.Verify(x509.VerifyOptions{Roots: pool})
	require.NoError(t, err, "the new certificate chains to the CA in the webhook configurations")
	require.NoError(t, deniedWith(createDryRun(pod("shop", "probe", true, nil)), "disallow-privileged"),
		"admission works with the rotated certificate")
}

func servingCertificate(t *testing.T) *x509.Certificate {
	t.Helper()
	conn, err := tls.Dial("tcp", strings.TrimPrefix(env.webhookURL, "https://"), &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // reads the served certificate only
	require.NoError(t, err)
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0]
}

func TestDeletingAllPoliciesLeavesNoWebhookRules(t *testing.T) {
	ctx := context.Background()
	eventually(t, admissionWait, "webhook configurations present", func() error {
		return env.client.Get(ctx, client.ObjectKey{Name: "bylaw-validating"}, &admissionregistrationv1.ValidatingWebhookConfiguration{})
	})
	require.NoError(t, env.client.DeleteAllOf(ctx, &v1alpha1.ClusterPolicy{}))
	require.NoError(t, env.client.DeleteAllOf(ctx, &v1alpha1.Policy{}, client.InNamespace("team-a")))
	eventually(t, admissionWait, "webhook configurations removed", func() error {
		for _, obj := range []client.Object{&admissionregistrationv1.ValidatingWebhookConfiguration{},
			&admissionregistrationv1.MutatingWebhookConfiguration{}} {
			name := "bylaw-validating"
			if _, ok := obj.(*admissionregistrationv1.MutatingWebhookConfiguration); ok {
				name = "bylaw-mutating"
			}
			if err := env.client.Get(ctx, client.ObjectKey{Name: name}, obj); !apierrors.IsNotFound(err) {
				return fmt.Errorf("%s still there (err %v)", name, err)
			}
		}
		return nil
	})
	require.NoError(t, createDryRun(pod("shop", "probe", true, nil)), "nothing is enforced any more")
}

func readyIs(conds []metav1.Condition, generation, observed int64, want string) error {
	c := apimeta.FindStatusCondition(conds, meta.ReadyCondition)
	if c == nil {
		return errors.New("no Ready condition")
	}
	if string(c.Status) != want || observed != generation {
		return fmt.Errorf("Ready=%s (%s: %s), observedGeneration %d of %d", c.Status, c.Reason, c.Message, observed, generation)
	}
	return nil
}
