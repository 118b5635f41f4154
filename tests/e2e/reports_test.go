package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/reports"
)

// reportWait bounds how long a change takes to reach the PolicyReports: scan, then the writer's next pass.
const reportWait = 60 * time.Second

// scanPolicy is a background-only ClusterPolicy (admission: false, so that creating many Pods does not call the
// webhook) checking pattern on Pods.
func scanPolicy(name, pattern string) string { return scanPolicyIn(name, "", pattern) }

// scanPolicyIn is scanPolicy on the Pods of one namespace ("": every namespace).
func scanPolicyIn(name, namespace, pattern string) string {
	namespaces := ""
	if namespace != "" {
		namespaces = "\n          namespaces: [" + namespace + "]"
	}
	return fmt.Sprintf(`apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata:
  name: %s
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
    policies.kyverno.io/severity: medium
spec:
  background: true
  admission: false
  rules:
  - name: check
    match:
      any:
      - resources:
          kinds: [Pod]%s
    validate:
      failureAction: Audit
      message: "%s fails"
      pattern:
%s
`, name, namespaces, name, pattern)
}

var (
	requireTeamScan = scanPolicy("e2e-require-team", "        metadata:\n          labels:\n            team: \"?*\"")
	noLatestScan    = scanPolicy("e2e-no-latest", "        spec:\n          containers:\n          - image: \"!*:latest\"")
)

type counts struct{ pass, fail int }

// reportCounts reads the pass and fail counts of the PolicyReport of ns.
func reportCounts(ctx context.Context, ns string) (counts, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(schema.GroupVersionKind{Group: "wgpolicyk8s.io", Version: "v1alpha2", Kind: "PolicyReport"})
	if err := env.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: reports.PolicyReportName}, u); err != nil {
		if apierrors.IsNotFound(err) {
			return counts{}, nil
		}
		return counts{}, err
	}
	pass, _, _ := unstructured.NestedInt64(u.Object, "summary", "pass")
	fail, _, _ := unstructured.NestedInt64(u.Object, "summary", "fail")
	return counts{pass: int(pass), fail: int(fail)}, nil
}

func reportIs(t *testing.T, ns string, want counts) time.Duration {
	t.Helper()
	return eventually(t, reportWait, fmt.Sprintf("PolicyReport of %s is %+v", ns, want), func() error {
		got, err := reportCounts(context.Background(), ns)
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("got %+v", got)
		}
		return nil
	})
}

// resetPolicies deletes the policies earlier tests left, so that report counts are this test's alone.
func resetPolicies(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, env.client.DeleteAllOf(ctx, &v1alpha1.ClusterPolicy{}))
	var nsList corev1.NamespaceList
	require.NoError(t, env.client.List(ctx, &nsList))
	for _, ns := range nsList.Items {
		require.NoError(t, env.client.DeleteAllOf(ctx, &v1alpha1.Policy{}, client.InNamespace(ns.Name)))
	}
	require.NoError(t, env.client.DeleteAllOf(ctx, &v1alpha1.GitSource{}, client.InNamespace(bylawNamespace)))
}

// createPods creates Pods p-<from> to p-<from+n-1> in ns, every fourth without a team label, with a client fast
// enough for thousands.
func createPods(t *testing.T, ns string, from, n int) {
	t.Helper()
	cfg := rest.CopyConfig(env.cfg)
	cfg.QPS, cfg.Burst = 400, 800
	kube := kubernetes.NewForConfigOrDie(cfg)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 32)
	for i := from; i < from+n; i++ {
		labels := map[string]string{"team": "shop"}
		if i%4 == 0 {
			labels = nil
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			_, err := kube.CoreV1().Pods(ns).Create(context.Background(), pod(ns, fmt.Sprintf("p-%04d", i), false, labels),
				metav1.CreateOptions{})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func TestPolicyReportsFollowPodsAndPolicies(t *testing.T) {
	resetPolicies(t)
	ctx := context.Background()
	const ns, n = "reports", 1000
	namespace(t, ns)
	start := time.Now()
	createPods(t, ns, 0, n)
	t.Logf("created %d Pods in %s", n, time.Since(start).Round(time.Millisecond))

	applyYAML(t, requireTeamScan)
	took := reportIs(t, ns, counts{pass: 750, fail: 250})
	t.Logf("%d Pods scanned and reported %s after the policy was applied", n, took.Round(time.Millisecond))

	applyYAML(t, noLatestScan) // a new snapshot: the second policy's results join
	took = reportIs(t, ns, counts{pass: 1750, fail: 250})
	t.Logf("second policy reported %s after it was applied", took.Round(time.Millisecond))

	for i := 0; i < 40; i += 4 { // ten Pods without a team label go
		require.NoError(t, env.client.Delete(ctx, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns,
			Name: fmt.Sprintf("p-%04d", i)}}))
	}
	reportIs(t, ns, counts{pass: 1740, fail: 240})

	created := pod(ns, "late", false, nil) // a Pod created now is scanned on its own
	require.NoError(t, env.client.Create(ctx, created))
	reportIs(t, ns, counts{pass: 1741, fail: 241})

	deleteYAML(t, noLatestScan) // a removed policy's results go
	reportIs(t, ns, counts{pass: 750, fail: 241})
	deleteYAML(t, requireTeamScan)
	eventually(t, reportWait, "PolicyReport deleted once it holds no result", func() error {
		err := env.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: reports.PolicyReportName}, &unstructured.Unstructured{
			Object: map[string]any{"apiVersion": "wgpolicyk8s.io/v1alpha2", "kind": "PolicyReport"}})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still there (err %v)", err)
	})
}

func TestAdmissionAuditResultsAndTheClusterReport(t *testing.T) {
	ctx := context.Background()
	const ns = "reports-admission"
	namespace(t, ns)
	admissionOnly := `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata:
  name: e2e-admission-team
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  background: false
  rules:
  - name: team
    match:
      any:
      - resources:
          kinds: [Pod]
          namespaces: [reports-admission]
    validate:
      failureAction: Audit
      message: "a team label is required"
      pattern:
        metadata:
          labels:
            team: "?*"
`
	namespaceOwner := `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata:
  name: e2e-namespace-owner
spec:
  background: true
  admission: false
  rules:
  - name: owner
    match:
      any:
      - resources:
          kinds: [Namespace]
          names: [reports-admission]
    validate:
      failureAction: Audit
      message: "namespaces need an owner label"
      pattern:
        metadata:
          labels:
            owner: "?*"
`
	applyYAML(t, admissionOnly)
	applyYAML(t, namespaceOwner)
	t.Cleanup(func() { deleteYAML(t, admissionOnly); deleteYAML(t, namespaceOwner) })
	policyReady(t, "e2e-admission-team")
	auditServed(t, ns, "probe", "a team label is required")
	require.NoError(t, env.client.Create(ctx, pod(ns, "no-team", false, nil)))
	reportIs(t, ns, counts{fail: 1}) // from admission: the scanner does not evaluate background: false policies

	eventually(t, reportWait, "the ClusterPolicyReport holds the Namespace's result", func() error {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(schema.GroupVersionKind{Group: "wgpolicyk8s.io", Version: "v1alpha2", Kind: "ClusterPolicyReport"})
		if err := env.client.Get(ctx, client.ObjectKey{Name: reports.ClusterPolicyReportName}, u); err != nil {
			return err
		}
		results, _, _ := unstructured.NestedSlice(u.Object, "results")
		for _, r := range results {
			m, _ := r.(map[string]any)
			refs, _ := m["resources"].([]any)
			if m["policy"] == "e2e-namespace-owner" && m["result"] == "fail" && len(refs) == 1 &&
				refs[0].(map[string]any)["name"] == ns {
				return nil
			}
		}
		return fmt.Errorf("no fail result of e2e-namespace-owner for %s among %d results", ns, len(results))
	})
}

// auditServed waits until a dry-run create of Pod ns/name gets a warning containing message: the Audit policy is in
// the webhook configuration and in the store of the replica that answers.
func auditServed(t *testing.T, ns, name, message string) {
	t.Helper()
	collected := &warnings{}
	cfg := rest.CopyConfig(env.cfg)
	cfg.WarningHandler = collected
	c, err := client.New(cfg, client.Options{Scheme: env.client.Scheme()})
	require.NoError(t, err)
	eventually(t, admissionWait, "the Audit policy is served at admission", func() error {
		if err := c.Create(context.Background(), pod(ns, name, false, nil), client.DryRunAll); err != nil {
			return err
		}
		if w := strings.Join(collected.take(), "\n"); !strings.Contains(w, message) {
			return fmt.Errorf("warnings %q", w)
		}
		return nil
	})
}
