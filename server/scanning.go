package server

import (
	"context"
	"fmt"
	"slices"

	"github.com/go-logr/logr"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/bylaw-dev/bylaw/controllers/auditresults"
	reportsctl "github.com/bylaw-dev/bylaw/controllers/reports"
	"github.com/bylaw-dev/bylaw/controllers/scanner"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/webhook"
)

// addReporting sets up what feeds and writes the policy reports, on the leader: the book, the background scanner,
// the Audit results of admission, and the report sinks.
func addReporting(mgr ctrl.Manager, cfg *rest.Config, o Options, eng *engine.Engine, store *policy.Store,
	handler *webhook.Handler) error {
	api, err := reports.ParseAPI(o.ReportAPI)
	if err != nil {
		return fmt.Errorf("--report-api: %w", err)
	}
	book := reports.NewBook(reports.Options{MaxResults: o.ReportMaxResults, API: api})
	var scan *scanner.Scanner
	// Results only admission computes (all of them without the scanner) live in the reports alone: a new leader
	// takes them back from there before it writes.
	restore := reportsctl.RestoreAdmission(store, book, func(p *engine.Policy) bool { return !o.Scan || !p.Runs(engine.StageScan) })
	writer, err := newReportWriter(mgr, cfg, book, reportsctl.Options{Restore: restore,
		Synced: func() bool { return scan == nil || scan.Synced() }})
	if err != nil {
		return err
	}
	elected := mgr.Elected()
	handler.Results = admissionResults{book: book, isLeader: func() bool { return isClosed(elected) }, changed: writer.Poke,
		scanning: o.Scan, recorder: &auditresults.Recorder{Client: mgr.GetClient(), Namespace: o.Namespace}}
	handoff := &auditresults.Reconciler{Client: mgr.GetClient(), Store: store, Book: book, Changed: writer.Poke}
	if err := handoff.SetupWithManager(mgr); err != nil {
		return fmt.Errorf("setting up the AuditResult controller: %w", err)
	}
	if o.Scan {
		if scan, err = newScanner(mgr, cfg, o, eng, store, handler.Loader, book, writer.Poke); err != nil {
			return err
		}
	}
	return setupReportSinks(mgr, o, store, book)
}

// newReportWriter sets up the writer of PolicyReports. Its client has no cache: it lists reports once at start and
// applies them, which a cluster-wide informer would not help.
func newReportWriter(mgr ctrl.Manager, cfg *rest.Config, book *reports.Book, opts reportsctl.Options) (*reportsctl.Writer, error) {
	c, err := client.New(cfg, client.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return nil, fmt.Errorf("report writer client: %w", err)
	}
	metrics, err := reportsctl.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return nil, fmt.Errorf("registering report writer metrics: %w", err)
	}
	writer := reportsctl.New(c, book, metrics, opts)
	if err := mgr.Add(writer); err != nil {
		return nil, fmt.Errorf("adding the report writer: %w", err)
	}
	return writer, nil
}

// newScanner sets up the background scanner on the leader. Its API client has its own rate limit: a scan reads
// objects one by one when they change.
func newScanner(mgr ctrl.Manager, cfg *rest.Config, o Options, eng *engine.Engine, store *policy.Store,
	loader engine.Loader, book *reports.Book, changed func()) (*scanner.Scanner, error) {
	scanCfg := rest.CopyConfig(cfg)
	scanCfg.QPS, scanCfg.Burst = float32(o.ScanRate), int(2*o.ScanRate)
	md, err := metadata.NewForConfig(scanCfg)
	if err != nil {
		return nil, fmt.Errorf("scanner metadata client: %w", err)
	}
	dyn, err := dynamic.NewForConfig(scanCfg)
	if err != nil {
		return nil, fmt.Errorf("scanner client: %w", err)
	}
	metrics, err := scanner.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return nil, fmt.Errorf("registering scanner metrics: %w", err)
	}
	s := &scanner.Scanner{
		Store: store, Engine: eng, Book: book, Loader: loader,
		Metadata: md, Dynamic: dyn, Mapper: mgr.GetRESTMapper(), Changed: changed, Metrics: metrics,
		Options: scanner.Options{FullScanInterval: o.ScanInterval, Workers: o.ScanWorkers, Rate: o.ScanRate,
			Excluded: o.excluded()},
	}
	if err := mgr.Add(s); err != nil {
		return nil, fmt.Errorf("adding the scanner: %w", err)
	}
	return s, nil
}

// admissionResults feeds the Audit results of admission into the book of the leader, which writes the reports. A
// replica that does not lead hands them to the leader as an AuditResult (its own book is never written). With the
// scanner on, results of background policies are left to it (it evaluates every rule of them on the stored object,
// Enforce ones too), so only admission-only policies come from here.
type admissionResults struct {
	book     *reports.Book
	isLeader func() bool
	changed  func()
	scanning bool
	recorder *auditresults.Recorder
}

func (a admissionResults) Admitted(ctx context.Context, obj map[string]any, results []engine.PolicyResult) {
	if a.scanning {
		results = slices.DeleteFunc(slices.Clone(results), func(r engine.PolicyResult) bool { return r.Policy.Runs(engine.StageScan) })
	}
	if len(results) == 0 {
		return
	}
	if !a.isLeader() {
		if hasRules(results) {
			if err := a.recorder.Record(ctx, obj, results); err != nil {
				logr.FromContextOrDiscard(ctx).Error(err, "handing admission results to the leader failed")
			}
		}
		return
	}
	if a.book.Update(reports.ResourceOf(obj), results) && a.changed != nil {
		a.changed()
	}
}

// hasRules reports whether some result holds a rule: only those are worth an AuditResult.
func hasRules(results []engine.PolicyResult) bool {
	return slices.ContainsFunc(results, func(r engine.PolicyResult) bool { return len(r.Rules) > 0 })
}
