package reports

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/time/rate"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/bylaw-dev/bylaw/reports"
)

// Log keys of the Writer.
const (
	logNamespace = "namespace"
	logKind      = "kind"
)

// Writer writes the reports of a Book to the API server. It is a manager.Runnable that runs on the elected leader
// only; Start it once.
type Writer struct {
	client  client.Client
	book    *reports.Book
	metrics *Metrics
	opts    Options

	poke    chan struct{}
	queue   workqueue.TypedRateLimitingInterface[string]
	limiter *rate.Limiter

	mu sync.Mutex
	// written holds the content hash of each report on the API server, by namespace (reports.ClusterScope for the
	// cluster report); "" when the report may exist with unknown content (a write whose outcome is unknown).
	written map[string]string
	// retrying holds the namespaces whose last write failed.
	retrying map[string]struct{}
}

var (
	_ manager.Runnable               = &Writer{}
	_ manager.LeaderElectionRunnable = &Writer{}
)

// New returns a Writer of book's reports through c. Give it a client without a cache: the Writer lists the existing
// reports once, metadata only, and never reads them again. metrics may be nil.
func New(c client.Client, book *reports.Book, metrics *Metrics, opts Options) *Writer {
	opts = opts.withDefaults()
	return &Writer{
		client: c, book: book, metrics: metrics, opts: opts,
		poke: make(chan struct{}, 1),
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.NewTypedItemExponentialFailureRateLimiter[string](opts.RetryBase, opts.RetryMax),
			workqueue.TypedRateLimitingQueueConfig[string]{Name: "bylaw-reports"}),
		limiter:  rate.NewLimiter(rate.Limit(opts.WriteRate), opts.WriteBurst),
		written:  map[string]string{},
		retrying: map[string]struct{}{},
	}
}

// NeedLeaderElection makes the Writer run on the leader only.
func (w *Writer) NeedLeaderElection() bool { return true }

// Poke makes the Writer look at the Book now rather than at the end of its interval. It never blocks; pokes while
// one is pending count as one.
func (w *Writer) Poke() {
	select {
	case w.poke <- struct{}{}:
	default:
	}
}

// Retrying returns the namespaces whose last write failed and that wait for a retry, sorted; reports.ClusterScope
// ("") stands for the ClusterPolicyReport.
func (w *Writer) Retrying() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Sorted(maps.Keys(w.retrying))
}

// Start writes reports until ctx is done: it reads the hashes of the reports on the API server, then writes every
// namespace of the Book whose report differs, then the namespaces the Book says changed.
func (w *Writer) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("reports")
	ctx = logr.NewContext(ctx, log)
	var workers sync.WaitGroup
	defer func() {
		w.queue.ShutDown()
		workers.Wait()
	}()
	if !w.loadExisting(ctx) {
		return nil
	}
	for range w.opts.Workers {
		workers.Go(func() { w.work(ctx) })
	}
	workers.Go(func() { w.retire(ctx) })
	w.feed(ctx)
	return nil
}

// loadExisting reads the hashes of the reports on the API server, retrying until it succeeds; it returns false
// when ctx ended first.
func (w *Writer) loadExisting(ctx context.Context) bool {
	log := logr.FromContextOrDiscard(ctx)
	delay := w.opts.RetryBase
	for {
		existing, err := w.listExisting(ctx, w.book.API(), true)
		if err == nil {
			w.mu.Lock()
			w.written = existing
			w.mu.Unlock()
			log.Info("read the existing policy reports", "reports", len(existing))
			return true
		}
		w.metrics.countError("list")
		log.Error(err, "reading the existing policy reports failed, retrying", "delay", delay)
		timer := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			timer.Stop()
			return false
		case <-timer.C:
		}
		delay = min(2*delay, w.opts.RetryMax)
	}
}

// feed queues the namespaces of the Book, then those that changed, on every tick or poke, and the stale ones once
// the Book is synced.
func (w *Writer) feed(ctx context.Context) {
	tick := time.NewTicker(w.opts.Interval)
	defer tick.Stop()
	resync := time.NewTicker(w.opts.Resync)
	defer resync.Stop()
	// At start every namespace of the Book, once: the hashes decide which reports differ.
	w.enqueue(append(w.book.Changed(), w.book.Namespaces()...))
	pruned := false
	for {
		if !pruned && w.opts.Synced != nil && w.opts.Synced() {
			w.prune(ctx)
			pruned = true
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-w.poke:
		case <-resync.C:
			w.resync(ctx, pruned)
		}
		w.enqueue(w.book.Changed())
	}
}

// resync reads the hashes of the reports on the API server again and queues every namespace, so that a report
// someone else deleted or changed is written again (and, once pruning started, a stale one deleted). A failed read
// is counted and waits for the next resync.
func (w *Writer) resync(ctx context.Context, prune bool) {
	existing, err := w.listExisting(ctx, w.book.API(), false)
	if err != nil {
		w.metrics.countError("list")
		logr.FromContextOrDiscard(ctx).Error(err, "re-reading the existing policy reports failed")
		return
	}
	w.mu.Lock()
	w.written = existing
	w.mu.Unlock()
	w.enqueue(w.book.Namespaces())
	if prune {
		w.prune(ctx)
	}
}

// enqueue queues namespaces, each once: a namespace already queued is not queued again.
func (w *Writer) enqueue(namespaces []string) {
	slices.Sort(namespaces)
	for _, ns := range slices.Compact(namespaces) {
		w.queue.Add(ns)
	}
}

// prune queues the namespaces that have a report on the API server but no results in the Book: their empty report
// is deleted.
func (w *Writer) prune(ctx context.Context) {
	held := w.book.Namespaces()
	w.mu.Lock()
	var stale []string
	for ns := range w.written {
		if _, ok := slices.BinarySearch(held, ns); !ok {
			stale = append(stale, ns)
		}
	}
	w.mu.Unlock()
	logr.FromContextOrDiscard(ctx).Info("the book is synced: deleting the reports of namespaces without results",
		"reports", len(stale))
	w.enqueue(stale)
}
