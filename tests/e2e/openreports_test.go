package e2e

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/reports"
)

var (
	policyReportKind = schema.GroupVersionKind{Group: "wgpolicyk8s.io", Version: "v1alpha2", Kind: "PolicyReport"}
	openReportKind   = schema.GroupVersionKind{Group: "openreports.io", Version: "v1alpha1", Kind: "Report"}
)

// TestReportAPISwitch restarts `bylaw serve` with --report-api=openreports: the namespace's results move to an
// openreports.io Report with the same name and counts, and the PolicyReport Bylaw wrote before goes once the first
// scan is in. Back on the default, the PolicyReport returns and the Report goes.
func TestReportAPISwitch(t *testing.T) {
	resetPolicies(t)
	const ns = "openreports"
	namespace(t, ns)
	createPods(t, ns, 0, 8) // p-0000 and p-0004 have no team label
	teamScan := scanPolicyIn("e2e-openreports-team", ns, "        metadata:\n          labels:\n            team: \"?*\"")
	applyYAML(t, teamScan)
	t.Cleanup(func() { deleteYAML(t, teamScan) })
	want := counts{pass: 6, fail: 2}
	reportOfKindIs(t, policyReportKind, ns, &want)

	restartPrimary(t, "--report-api=openreports")
	restored := false
	t.Cleanup(func() {
		if !restored { // the test failed half-way: leave the default primary to the tests that follow
			restartPrimary(t)
		}
	})
	took := reportOfKindIs(t, openReportKind, ns, &want)
	t.Logf("openreports.io Report written %s after the restart", took)
	reportOfKindIs(t, policyReportKind, ns, nil)
	rep := &unstructured.Unstructured{}
	rep.SetGroupVersionKind(openReportKind)
	require.NoError(t, env.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: reports.PolicyReportName}, rep))
	require.Equal(t, reports.Source, rep.GetLabels()[reports.ManagedByLabel])
	source, _, _ := unstructured.NestedString(rep.Object, "source")
	require.Equal(t, reports.Source, source)

	restartPrimary(t) // back to the default for the tests that follow
	restored = true
	reportOfKindIs(t, policyReportKind, ns, &want)
	reportOfKindIs(t, openReportKind, ns, nil)
}

// restartPrimary stops the primary `bylaw serve` (gracefully: the Lease is released) and starts it again on the same
// ports with the extra flags given.
func restartPrimary(t *testing.T, extra ...string) {
	t.Helper()
	require.NoError(t, env.primary.stop(syscall.SIGTERM))
	var err error
	env.primary, err = startReplica(env.primary.ports, env.logs, extra...)
	require.NoError(t, err)
}

// reportOfKindIs waits until the Bylaw report of ns of kind gvk has the counts of want; nil waits until there is
// none. It returns how long that took.
func reportOfKindIs(t *testing.T, gvk schema.GroupVersionKind, ns string, want *counts) string {
	t.Helper()
	what := fmt.Sprintf("%s of %s is %+v", gvk.Kind, ns, want)
	if want == nil {
		what = fmt.Sprintf("no %s in %s", gvk.Kind, ns)
	}
	return eventually(t, reportWait, what, func() error {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(gvk)
		err := env.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: reports.PolicyReportName}, u)
		switch {
		case apierrors.IsNotFound(err) && want == nil:
			return nil
		case err != nil:
			return err
		case want == nil:
			return fmt.Errorf("still there")
		}
		pass, _, _ := unstructured.NestedInt64(u.Object, "summary", "pass")
		fail, _, _ := unstructured.NestedInt64(u.Object, "summary", "fail")
		if got := (counts{pass: int(pass), fail: int(fail)}); got != *want {
			return fmt.Errorf("got %+v", got)
		}
		return nil
	}).Round(time.Millisecond).String()
}
