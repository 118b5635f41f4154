package generate

import (
	"fmt"
	"time"

	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// Backoff of failed GenerateRequests: exponential from DefaultBaseBackoff, capped at DefaultMaxBackoff.
const (
	DefaultBaseBackoff = time.Second
	DefaultMaxBackoff  = 5 * time.Minute
)

// Options configure the generate controller.
type Options struct {
	Engine *engine.Engine
	Store  *policy.Store
	// Loader serves context entries and clone sources (a clustercontext.Loader).
	Loader engine.Loader
	// Namespace is Bylaw's namespace, where GenerateRequests live.
	Namespace string
	// FieldOwner is the field manager of server-side applies (DefaultFieldOwner when empty).
	FieldOwner string
	// MaxBackoff caps the retry backoff of a failed request (DefaultMaxBackoff when 0).
	MaxBackoff time.Duration
	// TriggerGrace is how long a request waits for its trigger to be stored (DefaultTriggerGrace when 0).
	TriggerGrace time.Duration
}

// Setup adds the generate controller to mgr: the GenerateRequest reconciler, the downstream syncer, the clone source
// watcher and the policy watcher, all on the leader only. It returns the Recorder, which every replica's webhook uses.
func Setup(mgr manager.Manager, o Options) (*Recorder, error) {
	if o.FieldOwner == "" {
		o.FieldOwner = DefaultFieldOwner
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	recorder := &Recorder{Client: mgr.GetClient(), Namespace: o.Namespace}
	r := &Reconciler{Client: mgr.GetClient(), Reader: mgr.GetAPIReader(), Engine: o.Engine, Store: o.Store,
		Loader: o.Loader, FieldOwner: o.FieldOwner, TriggerGrace: o.TriggerGrace}
	err := ctrl.NewControllerManagedBy(mgr).Named("generate").
		For(&v1alpha1.GenerateRequest{}, builder.WithPredicates(predicate.GenerationChangedPredicate{})).
		WithOptions(controller.Options{
			RateLimiter:             workqueue.NewTypedItemExponentialFailureRateLimiter[reconcile.Request](DefaultBaseBackoff, o.MaxBackoff),
			MaxConcurrentReconciles: 2,
			SkipNameValidation:      ptr.To(true),
		}).
		Complete(r)
	if err != nil {
		return nil, fmt.Errorf("setting up the generate controller: %w", err)
	}
	syncer, err := newSyncer(mgr, o, recorder)
	if err != nil {
		return nil, err
	}
	r.Downstream = syncer
	sources, err := newSourceWatcher(mgr, o, recorder)
	if err != nil {
		return nil, err
	}
	watcher := &PolicyWatcher{Store: o.Store, Reader: mgr.GetAPIReader(), Client: mgr.GetClient(), Recorder: recorder,
		Existing: &ExistingLister{Reader: mgr.GetAPIReader(), Mapper: mgr.GetRESTMapper(), Recorder: recorder},
		Syncer:   syncer, Sources: sources}
	if err := mgr.Add(watcher); err != nil {
		return nil, fmt.Errorf("adding the generate policy watcher: %w", err)
	}
	return recorder, nil
}

// newSyncer builds the syncer with its own cache, restricted to the objects Bylaw generated, and its controller.
func newSyncer(mgr manager.Manager, o Options, recorder *Recorder) (*Syncer, error) {
	downstream, err := cache.New(mgr.GetConfig(), cache.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper(),
		DefaultLabelSelector: downstreamSelector()})
	if err != nil {
		return nil, fmt.Errorf("creating the downstream cache: %w", err)
	}
	if err := mgr.Add(downstream); err != nil {
		return nil, fmt.Errorf("adding the downstream cache: %w", err)
	}
	s := &Syncer{Store: o.Store, Recorder: recorder, Reader: mgr.GetAPIReader(), Cache: downstream,
		Mapper: mgr.GetRESTMapper(), FieldOwner: o.FieldOwner}
	s.ctl, err = controller.NewTyped[syncKey]("generate-sync", mgr, controller.TypedOptions[syncKey]{
		Reconciler:         s,
		SkipNameValidation: ptr.To(true),
	})
	if err != nil {
		return nil, fmt.Errorf("setting up the generate sync controller: %w", err)
	}
	return s, nil
}

// newSourceWatcher builds the clone source watcher and its controller; the watcher builds a cache per source.
func newSourceWatcher(mgr manager.Manager, o Options, recorder *Recorder) (*SourceWatcher, error) {
	s := &SourceWatcher{Store: o.Store, Recorder: recorder, Reader: mgr.GetAPIReader(), Mapper: mgr.GetRESTMapper(),
		Config: mgr.GetConfig(), Scheme: mgr.GetScheme()}
	var err error
	s.ctl, err = controller.NewTyped[sourceKey]("generate-clone-source", mgr, controller.TypedOptions[sourceKey]{
		Reconciler:         s,
		SkipNameValidation: ptr.To(true),
	})
	if err != nil {
		return nil, fmt.Errorf("setting up the generate clone source controller: %w", err)
	}
	return s, nil
}
