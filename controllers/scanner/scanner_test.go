package scanner_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/controllers/scanner"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/reports"
)

// policyDoc returns a background ClusterPolicy whose one rule checks pattern on kinds.
func policyDoc(name string, background bool, kinds, pattern, extraMatch string) string {
	return fmt.Sprintf(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: %s
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  background: %t
  rules:
  - name: check
    match:
      any:
      - resources:
          kinds: [%s]
%s
    validate:
      failureAction: Audit
      message: "%s fails"
      pattern:
%s
`, name, background, kinds, extraMatch, name, pattern)
}

var (
	requireTeam = policyDoc("require-team", true, "Pod", "        metadata:\n          labels:\n            team: \"?*\"", "")
	noLatest    = policyDoc("no-latest", true, "Pod", "        spec:\n          containers:\n          - image: \"!*:latest\"", "")
	cmNoLatest  = policyDoc("no-latest", true, "ConfigMap", "        metadata:\n          name: \"?*\"", "")
)

func TestScanFollowsObjects(t *testing.T) {
	h := start(t, scanner.Options{}, requireTeam)
	ns := h.namespace("scan-objects", nil)
	team := map[string]string{"team": "a"}
	h.pod(ns, "before-1", team)
	h.pod(ns, "before-2", nil)
	h.eventually(ns, summaryCounts{Pass: 1, Fail: 1})
	require.Eventually(t, h.scanner.Synced, 10*time.Second, 20*time.Millisecond)

	h.pod(ns, "new-fail", nil)
	h.eventually(ns, summaryCounts{Pass: 1, Fail: 2})

	ctx := context.Background()
	p, err := h.kube.CoreV1().Pods(ns).Get(ctx, "new-fail", metav1.GetOptions{})
	require.NoError(t, err)
	p.Labels = team
	_, err = h.kube.CoreV1().Pods(ns).Update(ctx, p, metav1.UpdateOptions{})
	require.NoError(t, err)
	h.eventually(ns, summaryCounts{Pass: 2, Fail: 1})

	require.NoError(t, h.kube.CoreV1().Pods(ns).Delete(ctx, "before-2", metav1.DeleteOptions{}))
	h.eventually(ns, summaryCounts{Pass: 2})
}

func TestScanStartsOnExistingObjects(t *testing.T) {
	// Objects that exist before the scanner starts are scanned, and Synced waits for that scan.
	boot := start(t, scanner.Options{}) // only to create objects with its client
	ns := boot.namespace("scan-existing", nil)
	for i := range 20 {
		labels := map[string]string{"team": "a"}
		if i%4 == 0 {
			labels = nil
		}
		boot.pod(ns, fmt.Sprintf("p-%d", i), labels)
	}
	boot.stop()
	h := start(t, scanner.Options{}, requireTeam)
	require.Eventually(t, h.scanner.Synced, 30*time.Second, 20*time.Millisecond)
	// Synced means the first scan is in the book: no polling needed.
	require.Equal(t, summaryCounts{Pass: 15, Fail: 5}, h.summary(ns))
}

func TestScanFollowsPolicySnapshots(t *testing.T) {
	h := start(t, scanner.Options{}, requireTeam)
	ns := h.namespace("scan-snapshots", nil)
	h.pod(ns, "a", map[string]string{"team": "a"})
	h.pod(ns, "b", nil)
	h.eventually(ns, summaryCounts{Pass: 1, Fail: 1})

	h.setPolicies(requireTeam, noLatest) // a new policy: its results join
	h.eventually(ns, summaryCounts{Pass: 3, Fail: 1})

	h.setPolicies(noLatest) // a removed policy: its results go
	h.eventually(ns, summaryCounts{Pass: 2})

	h.setPolicies(cmNoLatest) // the policy now matches ConfigMaps: Pod results go, ConfigMaps are scanned
	h.eventually(ns, summaryCounts{})
	_, err := h.kube.CoreV1().ConfigMaps(ns).Create(context.Background(),
		&corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: ns}}, metav1.CreateOptions{})
	require.NoError(t, err)
	h.eventually(ns, summaryCounts{Pass: 1})

	h.setPolicies() // no policy: no watch, no result
	h.eventually(ns, summaryCounts{})
}

func TestScanSkipsWhatIsNotForIt(t *testing.T) {
	admissionOnly := policyDoc("admission-only", false, "Pod", "        metadata:\n          labels:\n            team: \"?*\"", "")
	prodOnly := policyDoc("prod-only", true, "Pod", "        metadata:\n          labels:\n            team: \"?*\"",
		"          namespaceSelector:\n            matchLabels:\n              env: prod")
	boot := start(t, scanner.Options{})
	excluded := boot.namespace("scan-excluded", map[string]string{"env": "prod"})
	boot.stop()
	h := start(t, scanner.Options{Excluded: []string{excluded}}, admissionOnly, prodOnly)
	prod := h.namespace("scan-prod", map[string]string{"env": "prod"})
	dev := h.namespace("scan-dev", map[string]string{"env": "dev"})
	for _, ns := range []string{excluded, dev, prod} { // prod last: once it is reported, the others were seen
		h.pod(ns, "p", nil)
	}
	h.eventually(prod, summaryCounts{Fail: 1})
	require.Eventually(t, h.scanner.Synced, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, summaryCounts{}, h.summary(excluded), "excluded namespace")
	require.Equal(t, summaryCounts{}, h.summary(dev), "namespaceSelector does not select dev")
}

// A background policy whose rule the engine cannot evaluate is scanned like any other: its error reaches the report,
// where a policy that silently passed would leave nothing.
func TestScanReportsRulesTheEngineCannotEvaluate(t *testing.T) {
	const verifyImages = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: verify-signatures
  annotations: {pod-policies.kyverno.io/autogen-controllers: none}
spec:
  rules:
  - name: signed
    match: {any: [{resources: {kinds: [Pod]}}]}
    verifyImages:
    - imageReferences: ["*"]
      attestors: [{entries: [{keys: {publicKeys: "-----BEGIN PUBLIC KEY-----"}}]}]
`
	h := start(t, scanner.Options{}, verifyImages)
	ns := h.namespace("scan-unsupported", nil)
	h.pod(ns, "p", nil)
	h.eventually(ns, summaryCounts{Error: 1})
}

func TestAdmissionResultsFollowObjects(t *testing.T) {
	// Results the webhook records for an admission-only policy are not re-evaluated by the scanner, but they go with
	// their object, and with the policy when it changes or goes.
	admissionOnly := policyDoc("admission-only", false, "Pod", "        metadata:\n          labels:\n            team: \"?*\"", "")
	h := start(t, scanner.Options{}, admissionOnly)
	ns := h.namespace("scan-admission", nil)
	pod := h.pod(ns, "p", nil)
	other := h.pod(ns, "q", nil)
	p := h.store.Snapshot().Policies[0]
	for _, obj := range []*corev1.Pod{pod, other} {
		h.book.Update(reports.Resource{APIVersion: "v1", Kind: "Pod", Namespace: ns, Name: obj.Name, UID: obj.UID},
			[]engine.PolicyResult{{Policy: p, Rules: []engine.RuleResult{{Rule: "check", Status: engine.StatusFail,
				Action: engine.ActionAudit, Message: "no team"}}}})
	}
	require.Eventually(t, h.scanner.Synced, 10*time.Second, 20*time.Millisecond)
	require.Equal(t, summaryCounts{Fail: 2}, h.summary(ns), "the scanner does not evaluate admission-only policies")

	require.NoError(t, h.kube.CoreV1().Pods(ns).Delete(context.Background(), "p", metav1.DeleteOptions{}))
	h.eventually(ns, summaryCounts{Fail: 1})

	h.setPolicies(policyDoc("admission-only", false, "Pod", "        metadata:\n          labels:\n            owner: \"?*\"", ""))
	h.eventually(ns, summaryCounts{})
}

func TestScanFollowsNamespaceLabelsAndExceptions(t *testing.T) {
	prodOnly := policyDoc("prod-team", true, "Pod", "        metadata:\n          labels:\n            team: \"?*\"",
		"          namespaceSelector:\n            matchLabels:\n              env: prod")
	h := start(t, scanner.Options{}, prodOnly)
	ns := h.namespace("scan-relabel", map[string]string{"env": "dev"})
	h.pod(ns, "a", nil)
	h.pod(ns, "b", nil)
	require.Eventually(t, h.scanner.Synced, 10*time.Second, 20*time.Millisecond)

	ctx := context.Background()
	n, err := h.kube.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
	require.NoError(t, err)
	n.Labels["env"] = "prod" // the Pods do not change; their namespace now matches
	_, err = h.kube.CoreV1().Namespaces().Update(ctx, n, metav1.UpdateOptions{})
	require.NoError(t, err)
	h.eventually(ns, summaryCounts{Fail: 2})

	exception := fmt.Sprintf(`apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: pod-a
  namespace: %s
spec:
  exceptions:
  - policyName: prod-team
    ruleNames: [check]
  match:
    any:
    - resources:
        kinds: [Pod]
        names: [a]
`, ns)
	h.setPolicies(prodOnly, exception) // only the exceptions change: every kind is scanned again
	h.eventually(ns, summaryCounts{Fail: 1, Skip: 1})
}

func TestFullScanForgetsObjectsItDidNotSeeGo(t *testing.T) {
	h := start(t, scanner.Options{FullScanInterval: time.Second}, requireTeam)
	ns := h.namespace("scan-missed", nil)
	h.pod(ns, "real", nil)
	h.eventually(ns, summaryCounts{Fail: 1})
	// An object whose deletion no event reported (or that the webhook admitted but was never stored).
	p := h.store.Snapshot().Policies[0]
	h.book.Update(reports.Resource{APIVersion: "v1", Kind: "Pod", Namespace: ns, Name: "phantom", UID: "no-such-uid"},
		[]engine.PolicyResult{{Policy: p, Rules: []engine.RuleResult{{Rule: "check", Status: engine.StatusFail}}}})
	require.Equal(t, summaryCounts{Fail: 2}, h.summary(ns))
	h.eventually(ns, summaryCounts{Fail: 1}) // the next full scan LISTs Pods and forgets the phantom
}
