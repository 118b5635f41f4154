package reportsink_test

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/config"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	gitsourcectl "github.com/bylaw-dev/bylaw/controllers/gitsource"
	"github.com/bylaw-dev/bylaw/controllers/reportsink"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/reports/gitsink"
)

// policyFrom puts a policy named name in the store, supplied by the GitSource named source at revision, or by the
// cluster's CRs (no provenance) when source is empty.
func (e *env) policyFrom(name, source, revision string) *engine.Policy {
	p := &engine.Policy{Kind: "ClusterPolicy", Name: name, Annotations: map[string]string{}, Background: true}
	storeSource := "cluster"
	if source != "" {
		storeSource = gitsourcectl.SourceName(types.NamespacedName{Namespace: e.namespace, Name: source})
		p.Provenance = engine.Provenance{Source: storeSource, Revision: revision, Digest: "sha256:" + name}
	}
	e.store.SetPolicy(storeSource, p)
	return p
}

// result records the outcome of rule r of p on Pod shop/pod.
func (e *env) result(p *engine.Policy, pod string, status engine.Status) {
	e.book.Update(reports.Resource{APIVersion: "v1", Kind: "Pod", Namespace: "shop", Name: pod, UID: types.UID(pod)},
		[]engine.PolicyResult{{Policy: p, Rules: []engine.RuleResult{{Rule: "r", Type: engine.RuleValidate,
			Status: status, Message: "rule r of " + p.Name, Action: engine.ActionAudit}}}})
}

func TestCommitsOnlyWhenReportsChange(t *testing.T) {
	e := newEnv(t)
	p := e.policyFrom("disallow-host-path", "platform", "main@sha1:aaa")
	e.result(p, "web-1", engine.StatusFail)
	s := e.sink("archive", "archive")
	r := e.reconciler()
	revision := "gitsource/" + e.namespace + "/platform main@sha1:aaa"

	res, got := e.reconcile(r, s)
	b := e.branchOf("archive")
	require.Len(t, b.commits, 1)
	assert.Equal(t, []string{"reports/SUMMARY.md", "reports/shop.yaml"}, keys(b.files))
	assert.Contains(t, b.files["reports/shop.yaml"], "rule r of disallow-host-path")
	assert.True(t, strings.HasPrefix(b.commits[0].Message, "Policy reports at "+revision+"\n"), b.commits[0].Message)
	assert.Equal(t, "Bylaw", b.commits[0].Author.Name)
	assert.Equal(t, b.commits[0].Hash.String(), got.Status.LastCommit)
	assert.Equal(t, revision, got.Status.PolicyRevision)
	require.NotNil(t, got.Status.LastPushTime)
	assert.Equal(t, got.Generation, got.Status.ObservedGeneration)
	assert.Equal(t, reportsink.ReasonPublished, ready(got).Reason)
	assert.Equal(t, time.Minute, res.RequeueAfter)

	e.advance(2 * time.Minute)
	_, got = e.reconcile(r, s)
	assert.Len(t, e.branchOf("archive").commits, 1, "nothing changed")
	_, got = e.reconcile(e.reconciler(), s) // a restarted replica compares with the branch
	assert.Len(t, e.branchOf("archive").commits, 1, "nothing changed after a restart")
	assert.Equal(t, reportsink.ReasonUpToDate, ready(got).Reason)

	e.result(p, "web-2", engine.StatusFail)
	_, got = e.reconcile(r, s)
	assert.Len(t, e.branchOf("archive").commits, 2, "a change is committed once the interval has passed")

	e.result(p, "web-3", engine.StatusFail)
	e.advance(20 * time.Second)
	res, got = e.reconcile(r, s)
	assert.Len(t, e.branchOf("archive").commits, 2, "the next change waits for the interval")
	assert.Equal(t, 40*time.Second, res.RequeueAfter)
	reconciling := apimeta.FindStatusCondition(got.Status.Conditions, meta.ReconcilingCondition)
	require.NotNil(t, reconciling)
	assert.Equal(t, reportsink.ReasonChangePending, reconciling.Reason)

	e.advance(40 * time.Second)
	_, got = e.reconcile(r, s)
	b = e.branchOf("archive")
	assert.Len(t, b.commits, 3)
	assert.Contains(t, b.files["reports/shop.yaml"], "name: web-3")
	assert.Equal(t, b.commits[0].Hash.String(), got.Status.LastCommit)
	assert.Nil(t, apimeta.FindStatusCondition(got.Status.Conditions, meta.ReconcilingCondition))
}

func TestRemoteDownIsRetriedWithBackoffAndLosesNothing(t *testing.T) {
	e := newEnv(t)
	p := e.policyFrom("disallow-host-path", "platform", "main@sha1:aaa")
	e.result(p, "web-1", engine.StatusFail)
	s := e.sink("archive", "archive")
	r := e.reconciler()
	e.down.Store(true)

	for i, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 4 * time.Second} {
		res, got := e.reconcile(r, s)
		require.NotNil(t, ready(got))
		assert.Equal(t, metav1.ConditionFalse, ready(got).Status)
		assert.Equal(t, string(gitsink.ReasonUnreachable), ready(got).Reason)
		assert.Equal(t, int64(i+1), got.Status.Failures)
		assert.Equal(t, wait, res.RequeueAfter, "capped exponential backoff")
		res, got = e.reconcile(r, s)
		assert.Equal(t, int64(i+1), got.Status.Failures, "no attempt before the backoff ends")
		assert.Equal(t, wait, res.RequeueAfter)
		e.advance(wait)
	}
	e.result(p, "web-2", engine.StatusFail) // results keep coming while the remote is down
	e.down.Store(false)
	_, got := e.reconcile(r, s)
	assert.Equal(t, metav1.ConditionTrue, ready(got).Status)
	assert.Zero(t, got.Status.Failures)
	b := e.branchOf("archive")
	require.Len(t, b.commits, 1)
	assert.Contains(t, b.files["reports/shop.yaml"], "name: web-1")
	assert.Contains(t, b.files["reports/shop.yaml"], "name: web-2")
	assert.Equal(t, b.commits[0].Hash.String(), got.Status.LastCommit)
}

func TestSourceRefSelectsThePoliciesOfOneSource(t *testing.T) {
	tests := []struct {
		name      string
		sourceRef string
		want      []string // policies in shop.yaml
		revision  string   // status.policyRevision, with NS for the namespace
	}{
		{"one source", "platform", []string{"disallow-host-path"}, "gitsource/NS/platform main@sha1:aaa"},
		{"another source", "extra", []string{"require-labels"}, "gitsource/NS/extra v2@sha1:bbb"},
		{"every policy", "", []string{"cr-policy", "disallow-host-path", "require-labels"},
			"gitsource/NS/extra v2@sha1:bbb, gitsource/NS/platform main@sha1:aaa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			for _, p := range []*engine.Policy{e.policyFrom("disallow-host-path", "platform", "main@sha1:aaa"),
				e.policyFrom("require-labels", "extra", "v2@sha1:bbb"), e.policyFrom("cr-policy", "", "")} {
				e.result(p, "web-1", engine.StatusFail)
			}
			s := e.sink("archive", "archive", func(s *v1alpha1.ReportSink) {
				if tt.sourceRef != "" {
					s.Spec.SourceRef = &v1alpha1.LocalObjectReference{Name: tt.sourceRef}
				}
			})
			_, got := e.reconcile(e.reconciler(), s)
			b := e.branchOf("archive")
			require.Len(t, b.commits, 1)
			var policies []string
			for _, p := range []string{"cr-policy", "disallow-host-path", "require-labels"} {
				if strings.Contains(b.files["reports/shop.yaml"], "policy: "+p+"\n") {
					policies = append(policies, p)
				}
			}
			assert.Equal(t, tt.want, policies)
			assert.Equal(t, strings.ReplaceAll(tt.revision, "NS", e.namespace), got.Status.PolicyRevision)
		})
	}
}

func TestSuspendedSinkCommitsNothing(t *testing.T) {
	e := newEnv(t)
	e.result(e.policyFrom("p", "platform", "main@sha1:aaa"), "web-1", engine.StatusFail)
	s := e.sink("archive", "archive", func(s *v1alpha1.ReportSink) { s.Spec.Suspend = true })
	_, got := e.reconcile(e.reconciler(), s)
	assert.Equal(t, reportsink.ReasonSuspended, ready(got).Reason)
	assert.Empty(t, e.branchOf("archive").commits)
}

func TestMissingCredentialsAreReported(t *testing.T) {
	e := newEnv(t)
	s := e.sink("archive", "archive", func(s *v1alpha1.ReportSink) {
		s.Spec.Git.SecretRef = &v1alpha1.LocalObjectReference{Name: "missing"}
	})
	res, got := e.reconcile(e.reconciler(), s)
	assert.Equal(t, reportsink.ReasonCredentials, ready(got).Reason)
	assert.Equal(t, int64(1), got.Status.Failures)
	assert.Equal(t, time.Second, res.RequeueAfter)
}

// TestBookChangesAreCommittedByTheManager runs the controller in a manager: a new sink is published at once, and a
// change of the Book is found by the poller and committed without a change of the sink.
func TestBookChangesAreCommittedByTheManager(t *testing.T) {
	e := newEnv(t)
	p := e.policyFrom("disallow-host-path", "platform", "main@sha1:aaa")
	e.result(p, "web-1", engine.StatusFail)
	mgr, err := ctrl.NewManager(plane.Config(t), ctrl.Options{Scheme: e.client.Scheme(),
		Metrics: metricsserver.Options{BindAddress: "0"}, HealthProbeBindAddress: "0",
		Controller: config.Controller{SkipNameValidation: ptr.To(true)}})
	require.NoError(t, err)
	r := &reportsink.Reconciler{Client: mgr.GetClient(), Store: e.store, Book: e.book, Namespace: e.namespace,
		Publisher: &gitsink.Publisher{CacheDir: t.TempDir()}, Poll: 50 * time.Millisecond}
	require.NoError(t, r.SetupWithManager(mgr))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- mgr.Start(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})

	e.sink("archive", "archive", func(s *v1alpha1.ReportSink) { s.Spec.Interval.Duration = time.Second })
	require.Eventually(t, func() bool { return len(e.branchOf("archive").commits) == 1 }, 20*time.Second, 100*time.Millisecond)
	e.result(p, "web-2", engine.StatusFail)
	require.Eventually(t, func() bool {
		b := e.branchOf("archive")
		return len(b.commits) == 2 && strings.Contains(b.files["reports/shop.yaml"], "name: web-2")
	}, 20*time.Second, 100*time.Millisecond)
}

func TestInvalidSpecIsRefusedByTheAPIServer(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		mod  func(*v1alpha1.ReportSink)
	}{
		{"path up", func(s *v1alpha1.ReportSink) { s.Spec.Git.Path = "reports/.." }},
		{"path in .git", func(s *v1alpha1.ReportSink) { s.Spec.Git.Path = ".git" }},
		{"absolute path", func(s *v1alpha1.ReportSink) { s.Spec.Git.Path = "/reports" }},
		{"bad branch", func(s *v1alpha1.ReportSink) { s.Spec.Git.Branch = "a..b" }},
		{"no branch", func(s *v1alpha1.ReportSink) { s.Spec.Git.Branch = "" }},
		{"file URL", func(s *v1alpha1.ReportSink) { s.Spec.Git.URL = "file:///tmp/x" }},
		{"short interval", func(s *v1alpha1.ReportSink) { s.Spec.Interval.Duration = 100 * time.Millisecond }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &v1alpha1.ReportSink{}
			s.Name, s.Namespace = "bad", e.namespace
			s.Spec.Git = v1alpha1.GitReportTarget{URL: "https://example.com/r", Branch: "reports"}
			s.Spec.Interval.Duration = time.Minute
			tt.mod(s)
			require.Error(t, e.client.Create(e.ctx, s))
		})
	}
}

// TestDefaultsAreSetByTheAPIServer creates a sink as kubectl would from YAML that leaves out every defaulted field.
func TestDefaultsAreSetByTheAPIServer(t *testing.T) {
	e := newEnv(t)
	obj := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "bylaw.dev/v1alpha1", "kind": "ReportSink",
		"metadata": map[string]any{"name": "defaults", "namespace": e.namespace},
		"spec":     map[string]any{"git": map[string]any{"url": "https://example.com/r", "branch": "reports"}},
	}}
	require.NoError(t, e.client.Create(e.ctx, obj))
	s := &v1alpha1.ReportSink{}
	require.NoError(t, e.client.Get(e.ctx, types.NamespacedName{Namespace: e.namespace, Name: "defaults"}, s))
	assert.Equal(t, "reports", s.Spec.Git.Path)
	assert.Equal(t, &v1alpha1.CommitAuthor{Name: "Bylaw", Email: "bylaw@bylaw.dev"}, s.Spec.Git.Author)
	assert.Equal(t, time.Minute, s.Spec.Interval.Duration)
}

func keys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
