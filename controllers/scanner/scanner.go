package scanner

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
)

// Scanner evaluates existing resources against the background policies of the store and records the results in the
// book. It is a manager.Runnable that runs on the elected leader only.
type Scanner struct {
	Store  *policy.Store
	Engine *engine.Engine
	Book   *reports.Book
	// Loader serves context entries; nil when no policy needs them.
	Loader   engine.Loader
	Metadata metadata.Interface
	Dynamic  dynamic.Interface
	Mapper   meta.RESTMapper
	Options  Options
	// Changed, when set, is called after results in the book changed (a report writer's poke).
	Changed func()
	// Metrics may be nil.
	Metrics *Metrics

	synced  atomic.Bool
	queue   workqueue.TypedRateLimitingInterface[item]
	limiter *rate.Limiter
	// namespaces is the metadata informer of Namespaces: their labels, for namespaceSelector.
	namespaces cache.SharedIndexInformer
	// exceptions are the PolicyExceptions of the last applied snapshot.
	exceptions []*engine.Exception
	mu         sync.Mutex
	watches    map[schema.GroupVersionResource]*watch
	// prev holds the background policies of the last applied snapshot, by key.
	prev map[string]*engine.Policy
}

// item is one unit of work: an object, or every object of a kind when name is empty and scan is true.
type item struct {
	gvr       schema.GroupVersionResource
	namespace string
	name      string
	scan      bool
}

// NeedLeaderElection makes the scanner run on the leader only.
func (s *Scanner) NeedLeaderElection() bool { return true }

// Synced reports whether the first scan of every kind watched at start is in the book.
func (s *Scanner) Synced() bool { return s.synced.Load() }

// Start runs the scanner until ctx is done.
func (s *Scanner) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("scanner")
	ctx = logr.NewContext(ctx, log)
	s.Options = s.Options.withDefaults()
	s.watches = map[schema.GroupVersionResource]*watch{}
	// Failures back off per item; every item, new or retried, waits for the shared limiter before it is worked on.
	s.queue = workqueue.NewTypedRateLimitingQueueWithConfig(
		workqueue.NewTypedItemExponentialFailureRateLimiter[item](100*time.Millisecond, 2*time.Minute),
		workqueue.TypedRateLimitingQueueConfig[item]{Name: "bylaw-scanner"})
	s.limiter = rate.NewLimiter(rate.Limit(s.Options.Rate), s.Options.Burst)
	updates, unsubscribe := s.Store.Subscribe()
	defer unsubscribe()
	var workers sync.WaitGroup
	for range s.Options.Workers {
		workers.Go(func() { s.work(ctx) })
	}
	defer func() {
		s.queue.ShutDown()
		workers.Wait()
		s.stopWatches()
	}()
	// The first complete policy set, so that a partial one does not start the scan (and the pruning) too early.
	if !s.Store.WaitReady(ctx) {
		return nil
	}
	s.watchNamespaces(ctx)
	retry := s.retryAfter(s.apply(ctx, s.Store.Snapshot(), true))
	full := time.NewTicker(s.Options.FullScanInterval)
	defer full.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-updates:
			retry = s.retryAfter(s.apply(ctx, s.Store.Snapshot(), false))
		case <-retry:
			retry = s.retryAfter(s.apply(ctx, s.Store.Snapshot(), false))
		case <-full.C:
			retry = s.retryAfter(s.apply(ctx, s.Store.Snapshot(), false)) // picks up kinds served since
			s.scanAll()
		}
	}
}

// retryInterval is how soon a snapshot whose kinds could not all be resolved is applied again.
const retryInterval = 10 * time.Second

// retryAfter returns a channel that fires when an incomplete apply should be tried again, nil when it was complete.
func (s *Scanner) retryAfter(complete bool) <-chan time.Time {
	if complete {
		return nil
	}
	return time.After(retryInterval)
}

// scanAll queues a scan of every watched kind.
func (s *Scanner) scanAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for gvr := range s.watches {
		s.queue.Add(item{gvr: gvr, scan: true})
	}
}

func (s *Scanner) changed() {
	if s.Changed != nil {
		s.Changed()
	}
}
