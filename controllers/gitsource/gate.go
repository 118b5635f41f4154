package gitsource

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/manager"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// listingKey is what readiness waits for until the GitSources present at start are known.
const listingKey = "gitsources"

// DefaultFirstLoadTimeout bounds how long readiness waits for the first load of each GitSource present at start.
const DefaultFirstLoadTimeout = 60 * time.Second

// firstLoadGate keeps the replica unready until every GitSource that existed at start has been reconciled once
// (applied, refused or failed to fetch), so that a restarted replica never serves admission without the bundles in
// force; a source that takes longer than the timeout stops holding readiness back, and the log says so.
type firstLoadGate struct {
	r       *Reconciler
	mgr     manager.Manager
	timeout time.Duration
}

func (g *firstLoadGate) NeedLeaderElection() bool { return false }

func (g *firstLoadGate) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("gitsource-first-load")
	if !g.mgr.GetCache().WaitForCacheSync(ctx) {
		return errors.New("GitSource cache did not sync")
	}
	var list v1alpha1.GitSourceList
	if err := g.mgr.GetClient().List(ctx, &list); err != nil {
		return fmt.Errorf("listing GitSources: %w", err)
	}
	for i := range list.Items {
		src := &list.Items[i]
		if !src.Spec.Suspend && !g.r.attempted(keyOf(src)) {
			g.r.Store.Wait(SourceName(keyOf(src)))
		}
	}
	g.r.Store.Done(listingKey)
	log.Info("waiting for the first load of the GitSources", "sources", len(list.Items))
	select {
	case <-ctx.Done():
		return nil
	case <-time.After(g.timeout):
	}
	for _, key := range g.r.Store.Waiting() {
		log.Info("first load took too long; no longer holding readiness back", "source", key)
		g.r.Store.Done(key)
	}
	return nil
}

// settle records that a source was reconciled once, whatever the outcome.
func (r *Reconciler) settle(key types.NamespacedName) {
	r.mu.Lock()
	if r.tried == nil {
		r.tried = map[types.NamespacedName]bool{}
	}
	r.tried[key] = true
	r.mu.Unlock()
	r.Store.Done(SourceName(key))
}

func (r *Reconciler) attempted(key types.NamespacedName) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tried[key]
}
