package reports_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	ctlreports "github.com/bylaw-dev/bylaw/controllers/reports"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
)

func TestNewLeaderRestoresAdmissionResults(t *testing.T) {
	eachAPI(t, func(t *testing.T, e *env) {
		ns := e.namespace("restore")
		admissionOnly, scanned, removed := newPolicy("admission-team", nil), newPolicy("scanned", nil), newPolicy("removed", nil)
		admissionOnly.Background, removed.Background = false, false
		store := policy.NewStore()
		store.ReplaceSource("test", []*engine.Policy{admissionOnly, scanned}, nil)
		store.MarkReady()

		old := e.newBook() // the previous leader's book: admission and scan results
		old.Set(pod(ns, "a"), []engine.PolicyResult{result(admissionOnly, "team", engine.StatusFail, "team label missing"),
			result(scanned, "tag", engine.StatusPass, ""), result(removed, "gone", engine.StatusFail, "policy left")})
		previous := e.start(e.c, old, ctlreports.Options{})
		e.eventually(map[string]*v1alpha2.PolicyReportSummary{ns: summary(1, 2)})
		previous.stop()

		book := e.newBook() // the new leader's: its scanner has not run yet, and it is synced (would prune)
		keep := func(p *engine.Policy) bool { return !p.Background }
		e.start(e.c, book, ctlreports.Options{Restore: ctlreports.RestoreAdmission(store, book, keep),
			Synced: func() bool { return true }})
		e.eventually(map[string]*v1alpha2.PolicyReportSummary{ns: summary(0, 1)})
		got := e.report(ns)
		if assert.NotNil(t, got) && assert.Len(t, got.Results, 1) {
			r := got.Results[0]
			assert.Equal(t, "admission-team", r.Policy)
			assert.Equal(t, "team label missing", r.Message)
			assert.Equal(t, v1alpha2.PolicyResult("fail"), r.Result)
		}
	})
}

func TestResyncRepairsAReportDeletedBySomeoneElse(t *testing.T) {
	eachAPI(t, func(t *testing.T, e *env) {
		ns := e.namespace("resync")
		book := e.newBook()
		book.Set(pod(ns, "web"), []engine.PolicyResult{result(noLatest, "tag", engine.StatusPass, "")})
		e.start(e.c, book, ctlreports.Options{Resync: 200 * time.Millisecond})
		e.eventually(map[string]*v1alpha2.PolicyReportSummary{ns: summary(1, 0)})
		require.NoError(t, e.c.Delete(e.ctx, e.reportObject(ns, managed(ns, reports.PolicyReportName))))
		e.eventually(map[string]*v1alpha2.PolicyReportSummary{ns: summary(1, 0)}, func() bool { return e.report(ns) != nil })
	})
}
