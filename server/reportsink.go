package server

import (
	"fmt"
	"os"
	"path/filepath"

	ctrl "sigs.k8s.io/controller-runtime"

	reportsinkctl "github.com/bylaw-dev/bylaw/controllers/reportsink"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/reports/gitsink"
)

// reportSinkCacheDir is the folder of the git report sink's clones, under --git-cache-dir.
const reportSinkCacheDir = "reportsinks"

// setupReportSinks sets up the git report sink: the ReportSink controller, which commits the reports of book to git
// on the leader, naming the revisions of the policies in store. ReportSinks are served in o.Namespace only.
func setupReportSinks(mgr ctrl.Manager, o Options, store *policy.Store, book *reports.Book) error {
	dir := filepath.Join(o.GitCacheDir, reportSinkCacheDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("--git-cache-dir %s: %w", o.GitCacheDir, err)
	}
	r := &reportsinkctl.Reconciler{Client: mgr.GetClient(), Store: store, Book: book,
		Publisher: &gitsink.Publisher{CacheDir: dir}, Namespace: o.Namespace}
	return r.SetupWithManager(mgr)
}
