package cleanup

import (
	"context"
	"time"

	"github.com/go-logr/logr"
	"golang.org/x/time/rate"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// AccessReviewer asks the API server what Bylaw may do: a SelfSubjectAccessReviewInterface.
type AccessReviewer interface {
	Create(ctx context.Context, review *authorizationv1.SelfSubjectAccessReview,
		opts metav1.CreateOptions) (*authorizationv1.SelfSubjectAccessReview, error)
}

// Controller runs the cleanup policies of the store on their schedules. It is a manager.Runnable that runs on the
// elected leader only.
type Controller struct {
	Store  *policy.Store
	Engine *engine.Engine
	// Loader serves the CEL context libraries (resource, globalContext, ...); nil when no policy needs them.
	Loader engine.Loader
	// Dynamic lists and deletes the objects; Mapper resolves the policies' resources.
	Dynamic dynamic.Interface
	Mapper  meta.RESTMapper
	// Client reads namespace labels and the policy objects, and patches their status.
	Client client.Client
	// Access checks list and delete rights before a run; nil skips the check.
	Access AccessReviewer
	// Events records events on policies and deleted objects; may be nil.
	Events events.EventRecorder
	// Metrics may be nil.
	Metrics *Metrics
	Options Options
	// Now is the clock; time.Now when nil.
	Now func() time.Time

	limiter *rate.Limiter
}

// NeedLeaderElection makes the controller run on the leader only.
func (c *Controller) NeedLeaderElection() bool { return true }

func (c *Controller) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

func newLimiter(o Options) *rate.Limiter { return rate.NewLimiter(rate.Limit(o.Rate), o.Burst) }

// Start runs the controller until ctx is done.
func (c *Controller) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("cleanup")
	ctx = logr.NewContext(ctx, log)
	c.Options = c.Options.withDefaults()
	c.limiter = newLimiter(c.Options)
	updates, unsubscribe := c.Store.Subscribe()
	defer unsubscribe()
	if !c.Store.WaitReady(ctx) {
		return nil
	}
	pl := newPlan()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		snap := c.Store.Snapshot()
		pl.update(snap.Policies, c.now(), func(p *engine.Policy) (time.Time, bool) { return c.lastRun(ctx, p) })
		for _, p := range pl.due(c.now()) {
			if ctx.Err() != nil {
				return nil
			}
			start := c.now()
			c.run(ctx, p, snap.Exceptions)
			pl.ran(p, start)
		}
		var fire <-chan time.Time
		if next, ok := pl.next(); ok {
			timer.Reset(max(0, next.Sub(c.now())))
			fire = timer.C
		}
		select {
		case <-ctx.Done():
			return nil
		case <-updates:
		case <-fire:
		}
	}
}
