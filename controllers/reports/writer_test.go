package reports_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilrand "k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	ctlreports "github.com/bylaw-dev/bylaw/controllers/reports"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/reports"
)

var (
	requireLabels = newPolicy("require-labels", map[string]string{reports.SeverityAnnotation: "medium",
		reports.CategoryAnnotation: "Best Practices"})
	noLatest = newPolicy("no-latest", nil)
)

func TestWriterFollowsTheBook(t *testing.T) {
	eachAPI(t, func(t *testing.T, e *env) {
		nsA, nsB := e.namespace("writer-a"), e.namespace("writer-b")
		cluster := reports.ClusterScope
		book := e.newBook()
		w := e.start(e.c, book, ctlreports.Options{})
		steps := []struct {
			name      string
			change    func()
			want      map[string]*v1alpha2.PolicyReportSummary
			unchanged []string // namespaces whose report is not written again
			writes    float64
			deletes   float64
		}{{
			name: "reports appear",
			change: func() {
				book.Set(pod(nsA, "web"), []engine.PolicyResult{result(requireLabels, "check", engine.StatusFail,
					"label app is required"), result(noLatest, "tag", engine.StatusPass, "")})
				book.Set(pod(nsB, "db"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusFail, "latest tag")})
				book.Set(namespaceObj(nsA), []engine.PolicyResult{result(requireLabels, "check", engine.StatusPass, "")})
			},
			want:   map[string]*v1alpha2.PolicyReportSummary{nsA: summary(1, 1), nsB: summary(0, 1), cluster: summary(1, 0)},
			writes: 3,
		}, {
			name: "a result changes: its report only is written",
			change: func() {
				book.Set(pod(nsB, "db"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusPass, "")})
			},
			want:      map[string]*v1alpha2.PolicyReportSummary{nsB: summary(1, 0)},
			unchanged: []string{nsA, cluster},
			writes:    4,
		}, {
			name:      "the results of a namespace all go: its report is deleted",
			change:    func() { book.Delete(pod(nsA, "web")) },
			want:      map[string]*v1alpha2.PolicyReportSummary{nsA: nil, nsB: summary(1, 0)},
			unchanged: []string{nsB, cluster},
			writes:    4, deletes: 1,
		}, {
			name:      "the cluster results go: the cluster report is deleted",
			change:    func() { book.Delete(namespaceObj(nsA)) },
			want:      map[string]*v1alpha2.PolicyReportSummary{cluster: nil, nsB: summary(1, 0)},
			unchanged: []string{nsB},
			writes:    4, deletes: 2,
		}}
		for _, step := range steps {
			t.Run(step.name, func(t *testing.T) {
				before := e.versions(nsA, nsB, cluster)
				step.change()
				w.writer.Poke()
				e.eventually(step.want, func() bool {
					return w.metric("bylaw_policy_report_writes_total") == step.writes &&
						w.metric("bylaw_policy_report_deletes_total") == step.deletes
				})
				after := e.versions(nsA, nsB, cluster)
				for _, ns := range step.unchanged {
					assert.Equal(t, before[ns], after[ns], "the report of %q is not written again", ns)
				}
				assert.Equal(t, step.writes, w.metric("bylaw_policy_report_bytes"), "one size per write")
				assert.Zero(t, w.metric("bylaw_policy_report_errors_total"))
			})
		}
		t.Run("reports carry what the Book built", func(t *testing.T) {
			rep := e.report(nsB)
			require.NotNil(t, rep)
			built, err := book.Report(nsB)
			require.NoError(t, err)
			assert.Equal(t, reports.Source, rep.Labels[reports.ManagedByLabel])
			assert.Equal(t, built.Hash, rep.Annotations[reports.HashAnnotation])
			assert.Equal(t, reports.ResultsOf(built.Object), rep.Results)
			assert.Empty(t, rep.Results[0].Message, "the fail message left with the fail")
			assert.Equal(t, &corev1.ObjectReference{APIVersion: "v1", Kind: "Namespace", Name: nsB}, rep.Scope)
			assert.Equal(t, []string{ctlreports.FieldOwner + "/Apply"}, rep.Managers)
			if e.api == reports.OpenReports {
				assert.Equal(t, reports.Source, rep.Source, "an openreports.io Report names its source")
			}
		})
	})
}

func TestNewWriterWritesNothingUnchanged(t *testing.T) {
	eachAPI(t, func(t *testing.T, e *env) {
		nsA, nsB := e.namespace("restart-a"), e.namespace("restart-b")
		fill := func(book *reports.Book) *reports.Book {
			book.Set(pod(nsA, "web"), []engine.PolicyResult{result(requireLabels, "check", engine.StatusFail, "no label")})
			book.Set(pod(nsB, "db"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusPass, "")})
			book.Set(namespaceObj(nsB), []engine.PolicyResult{result(noLatest, "tag", engine.StatusFail, "x")})
			return book
		}
		tests := []struct {
			name string
			next func(first *reports.Book) *reports.Book
		}{
			{name: "a restarted writer of the same book", next: func(first *reports.Book) *reports.Book { return first }},
			{name: "a new leader whose book holds the same results",
				next: func(*reports.Book) *reports.Book { return fill(e.newBook()) }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				book := fill(e.newBook())
				first := e.start(e.c, book, ctlreports.Options{})
				e.eventually(map[string]*v1alpha2.PolicyReportSummary{nsA: summary(0, 1), nsB: summary(1, 0),
					reports.ClusterScope: summary(0, 1)})
				first.stop()
				before := e.versions(nsA, nsB, reports.ClusterScope)

				second := e.start(e.c, tt.next(book), ctlreports.Options{})
				require.Eventually(t, func() bool { return second.metric("bylaw_policy_report_skipped_total") >= 3 },
					waitFor, tick)
				assert.Zero(t, second.metric("bylaw_policy_report_writes_total"))
				assert.Equal(t, before, e.versions(nsA, nsB, reports.ClusterScope))
			})
		}
	})
}

func TestPrunesStaleReportsOnceSynced(t *testing.T) {
	eachAPI(t, func(t *testing.T, e *env) {
		stale, live := e.namespace("prune-stale"), e.namespace("prune-live")
		e.put(e.reportObject(stale, managed(stale, reports.PolicyReportName)))
		e.put(e.reportObject(stale, metav1.ObjectMeta{Namespace: stale, Name: "foreign"}))
		e.put(e.reportObject("", managed("", reports.ClusterPolicyReportName)))
		book := e.newBook()
		book.Set(pod(live, "web"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusPass, "")})
		var synced atomic.Bool
		var asked atomic.Int32
		w := e.start(e.c, book, ctlreports.Options{Synced: func() bool { asked.Add(1); return synced.Load() }})

		e.eventually(map[string]*v1alpha2.PolicyReportSummary{live: summary(1, 0)},
			func() bool { return asked.Load() >= 2 })
		assert.NotNil(t, e.report(stale), "no pruning before the book is synced")
		assert.NotNil(t, e.report(reports.ClusterScope), "no pruning before the book is synced")

		synced.Store(true)
		e.eventually(map[string]*v1alpha2.PolicyReportSummary{stale: nil, reports.ClusterScope: nil, live: summary(1, 0)})
		foreign := e.reportObject(stale, metav1.ObjectMeta{})
		require.NoError(t, e.c.Get(e.ctx, client.ObjectKey{Namespace: stale, Name: "foreign"}, foreign),
			"a report Bylaw does not manage stays")
		assert.GreaterOrEqual(t, w.metric("bylaw_policy_report_deletes_total"), 2.0)
	})
}

func TestFailedWritesAreRetried(t *testing.T) {
	tests := []struct {
		name        string
		refusals    int32 // applies the API server refuses first
		createLater bool  // the namespace is created after the writer tried
	}{
		{name: "the API server refuses, then accepts", refusals: 3},
		{name: "the namespace does not exist yet", createLater: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			ns := "retry-" + utilrand.String(6)
			if !tt.createLater {
				require.NoError(t, e.c.Create(e.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
			}
			var refusals atomic.Int32
			refusals.Store(tt.refusals)
			c := interceptor.NewClient(e.c, interceptor.Funcs{Apply: func(ctx context.Context, c client.WithWatch,
				obj runtime.ApplyConfiguration, opts ...client.ApplyOption) error {
				if refusals.Add(-1) >= 0 {
					return apierrors.NewServiceUnavailable("the API server is restarting")
				}
				return c.Apply(ctx, obj, opts...)
			}})
			book := newBook()
			book.Set(pod(ns, "web"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusFail, "latest")})
			w := e.start(c, book, ctlreports.Options{RetryBase: 10 * time.Millisecond, RetryMax: 100 * time.Millisecond})

			require.Eventually(t, func() bool { return slices.Contains(w.writer.Retrying(), ns) }, waitFor, tick)
			if tt.createLater {
				require.NoError(t, e.c.Create(e.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}))
			}
			e.eventually(map[string]*v1alpha2.PolicyReportSummary{ns: summary(0, 1)},
				func() bool { return len(w.writer.Retrying()) == 0 })
			assert.GreaterOrEqual(t, w.metric("bylaw_policy_report_errors_total"), float64(max(tt.refusals, 1)))
			if tt.refusals > 0 {
				assert.Equal(t, float64(tt.refusals), w.metric("bylaw_policy_report_errors_total"))
			}
			assert.Equal(t, 1.0, w.metric("bylaw_policy_report_writes_total"))
		})
	}
}

func TestTerminatingNamespaceIsNotRetried(t *testing.T) {
	e := newEnv(t)
	gone, live := e.namespace("terminating"), e.namespace("terminating-live")
	require.NoError(t, e.c.Delete(e.ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: gone}}))
	book := newBook()
	book.Set(pod(gone, "web"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusFail, "latest")})
	book.Set(pod(live, "web"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusFail, "latest")})
	w := e.start(e.c, book, ctlreports.Options{RetryBase: time.Millisecond, RetryMax: 5 * time.Millisecond})
	e.eventually(map[string]*v1alpha2.PolicyReportSummary{live: summary(0, 1)},
		func() bool { return w.metric("bylaw_policy_report_errors_total") == 1 })
	assert.Empty(t, w.writer.Retrying())

	// Another write later: a retry of the terminating namespace every few milliseconds would have counted errors.
	book.Set(pod(live, "web"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusPass, "")})
	w.writer.Poke()
	e.eventually(map[string]*v1alpha2.PolicyReportSummary{live: summary(1, 0)})
	assert.Equal(t, 1.0, w.metric("bylaw_policy_report_errors_total"))
	assert.Nil(t, e.report(gone))
}

func TestWritesAreRateLimited(t *testing.T) {
	e := newEnv(t)
	book := newBook()
	want := map[string]*v1alpha2.PolicyReportSummary{}
	for range 6 {
		ns := e.namespace("rate")
		book.Set(pod(ns, "web"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusPass, "")})
		want[ns] = summary(1, 0)
	}
	began := time.Now()
	e.start(e.c, book, ctlreports.Options{WriteRate: 10, WriteBurst: 1})
	e.eventually(want)
	// The first write takes the one token of the bucket, the five others wait 100ms each.
	assert.GreaterOrEqual(t, time.Since(began), 450*time.Millisecond, "6 writes at 10/s")
}

// managed returns the metadata of a report Bylaw manages, with a hash no Book gives.
func managed(ns, name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{reports.ManagedByLabel: reports.Source},
		Annotations: map[string]string{reports.HashAnnotation: "stale"}}
}

// put creates or replaces a report as another field manager would.
func (e *env) put(obj client.Object) {
	e.t.Helper()
	_ = e.c.Delete(e.ctx, obj)
	require.Eventually(e.t, func() bool {
		err := e.c.Create(e.ctx, obj.DeepCopyObject().(client.Object))
		return err == nil
	}, waitFor, tick, "creating %s", obj.GetName())
}
