package reports_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	ctlreports "github.com/bylaw-dev/bylaw/controllers/reports"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/reports"
)

// TestWriterRetiresTheOtherAPI: after --report-api changed, the reports Bylaw wrote in the previous API are deleted
// once the Book is synced (not before, so readers always find one of them); reports of others stay.
func TestWriterRetiresTheOtherAPI(t *testing.T) {
	for _, tt := range []struct{ from, to reports.API }{
		{from: reports.WGPolicy, to: reports.OpenReports},
		{from: reports.OpenReports, to: reports.WGPolicy},
	} {
		t.Run(string(tt.from)+" to "+string(tt.to), func(t *testing.T) {
			old, e := newEnvFor(t, tt.from), newEnvFor(t, tt.to)
			ns := e.namespace("retire")
			old.put(old.reportObject(ns, managed(ns, reports.PolicyReportName)))
			old.put(old.reportObject(ns, metav1.ObjectMeta{Namespace: ns, Name: "foreign"}))
			old.put(old.reportObject("", managed("", reports.ClusterPolicyReportName)))
			book := e.newBook()
			book.Set(pod(ns, "web"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusPass, "")})
			var synced atomic.Bool
			var asked atomic.Int32
			w := e.start(e.c, book, ctlreports.Options{Synced: func() bool { asked.Add(1); return synced.Load() }})

			e.eventually(map[string]*v1alpha2.PolicyReportSummary{ns: summary(1, 0)},
				func() bool { return asked.Load() >= 4 })
			assert.NotNil(t, old.report(ns), "the old report stays until the book is synced")

			synced.Store(true)
			old.eventually(map[string]*v1alpha2.PolicyReportSummary{ns: nil, reports.ClusterScope: nil})
			e.eventually(map[string]*v1alpha2.PolicyReportSummary{ns: summary(1, 0)})
			foreign := old.reportObject(ns, metav1.ObjectMeta{})
			require.NoError(t, e.c.Get(e.ctx, client.ObjectKey{Namespace: ns, Name: "foreign"}, foreign),
				"a report Bylaw does not manage stays")
			assert.Zero(t, w.metric("bylaw_policy_report_errors_total"))
		})
	}
}

// TestRetireWithoutTheOtherCRDs: a cluster without the other API's CRDs has nothing to retire: one look, no error,
// no retry.
func TestRetireWithoutTheOtherCRDs(t *testing.T) {
	e := newEnvFor(t, reports.OpenReports)
	ns := e.namespace("retire-nocrd")
	var looked atomic.Int32
	c := interceptor.NewClient(e.c, interceptor.Funcs{List: func(ctx context.Context, c client.WithWatch,
		list client.ObjectList, opts ...client.ListOption) error {
		if gvk := list.GetObjectKind().GroupVersionKind(); gvk.Group == v1alpha2.GroupName {
			looked.Add(1)
			return &meta.NoKindMatchError{GroupKind: gvk.GroupKind(), SearchedVersions: []string{gvk.Version}}
		}
		return c.List(ctx, list, opts...)
	}})
	book := e.newBook()
	book.Set(pod(ns, "web"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusFail, "latest")})
	w := e.start(c, book, ctlreports.Options{Interval: 10 * time.Millisecond, Synced: func() bool { return true }})
	e.eventually(map[string]*v1alpha2.PolicyReportSummary{ns: summary(0, 1)},
		func() bool { return looked.Load() >= 1 })
	time.Sleep(100 * time.Millisecond) // ten intervals: a retry would look again
	assert.Equal(t, int32(1), looked.Load(), "missing CRDs are not retried")
	assert.Zero(t, w.metric("bylaw_policy_report_errors_total"))
}
