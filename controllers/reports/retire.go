package reports

import (
	"context"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"

	"github.com/bylaw-dev/bylaw/reports"
)

// retire deletes the reports Bylaw wrote in the other report APIs (left from a run with another --report-api), once
// the Book holds the producer's first full scan, so readers find the new reports before the old ones go. It tries
// again on every interval until it has seen them all deleted; without Options.Synced it does nothing (nothing is
// pruned either).
func (w *Writer) retire(ctx context.Context) {
	if w.opts.Synced == nil {
		return
	}
	tick := time.NewTicker(w.opts.Interval)
	defer tick.Stop()
	for {
		if w.opts.Synced() && w.retireOthers(ctx) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// retireOthers deletes Bylaw's reports in every API but the Book's and reports whether none is left. An API whose
// CRDs are not installed holds none.
func (w *Writer) retireOthers(ctx context.Context) bool {
	log := logr.FromContextOrDiscard(ctx)
	done := true
	for _, api := range reports.APIs() {
		if api == w.book.API() {
			continue
		}
		existing, err := w.listExisting(ctx, api, false)
		if meta.IsNoMatchError(err) {
			continue
		}
		if err != nil {
			w.metrics.countError("list")
			log.Error(err, "listing the reports of the API no longer written failed, retrying", "api", api)
			done = false
			continue
		}
		for ns := range existing {
			if _, err := w.deleteReport(ctx, api, ns); err != nil {
				log.Error(err, "deleting a report of the API no longer written failed, retrying", "api", api)
				done = false
				continue
			}
			log.Info("deleted a report of the API no longer written", "api", api, logNamespace, ns,
				logKind, api.Kind(ns))
		}
	}
	return done
}
