package scanner

import (
	"context"
	"slices"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// apply brings the watches in line with a snapshot: kinds no policy reports on any more lose their watch and results,
// new kinds get a watch, removed policies lose their results, and the kinds of added or changed policies are scanned
// again (every kind when the exceptions changed). first marks the snapshot in force at start: its scans decide Synced.
// apply reports whether every policy's kinds could be resolved; if not, it keeps every watch and the unresolved
// policies as they were, and should be called again.
func (s *Scanner) apply(ctx context.Context, snap *policy.Snapshot, first bool) bool {
	log := logr.FromContextOrDiscard(ctx)
	res := newResolver(s.Mapper)
	cur := map[string]*engine.Policy{}
	wanted := map[schema.GroupVersionResource]target{}
	affected := map[schema.GroupVersionResource]bool{}
	complete := true
	for _, p := range snap.Policies {
		if !reported(p) {
			continue
		}
		ts, err := res.targetsOf(p)
		if err != nil {
			log.Error(err, "resolving the kinds of a policy; keeping every watch and its results", "policy", p.Key())
			complete = false
			if old := s.prev[p.Key()]; old != nil {
				cur[p.Key()] = old // unchanged until resolved: its results stay
			}
			continue
		}
		cur[p.Key()] = p
		for _, t := range ts {
			t.evaluate = wanted[t.gvr].evaluate || scanned(p)
			wanted[t.gvr] = t
			if s.prev[p.Key()] != p && scanned(p) {
				affected[t.gvr] = true
			}
		}
	}
	s.dropRemoved(ctx, res, cur, affected)
	for sel, w := range res.warnings {
		log.V(1).Info("kind not scanned", "selector", sel, "reason", w)
	}
	s.mu.Lock()
	if complete {
		s.unwatchUnwanted(wanted)
	}
	if !slices.Equal(s.exceptions, snap.Exceptions) {
		for gvr, t := range wanted {
			affected[gvr] = affected[gvr] || t.evaluate // an exception may apply to any object
		}
	}
	s.exceptions = snap.Exceptions
	for gvr, t := range wanted {
		if w, ok := s.watches[gvr]; ok {
			w.target = t
			continue
		}
		s.watch(ctx, t, first)
		delete(affected, gvr) // scanned once its informer has synced
	}
	s.queueScans(affected, first)
	s.mu.Unlock()
	s.prev = cur
	s.Metrics.setWatched(len(wanted))
	return complete
}

// dropRemoved forgets the results of policies that left the scanned set, and marks the kinds that the previous
// version of each removed or changed policy matched, so that their stale results are replaced.
func (s *Scanner) dropRemoved(ctx context.Context, res *resolver, cur map[string]*engine.Policy,
	affected map[schema.GroupVersionResource]bool) {
	changed := false
	for key, old := range s.prev {
		if cur[key] == old {
			continue
		}
		// A removed policy's results go; so do the admission results of a changed admission-only policy, which
		// no scan replaces.
		if (cur[key] == nil || !scanned(cur[key])) && s.Book.DeletePolicy(key) {
			changed = true
		}
		ts, err := res.targetsOf(old)
		if err != nil {
			logr.FromContextOrDiscard(ctx).Error(err, "resolving the kinds of a replaced policy", "policy", key)
			continue
		}
		for _, t := range ts {
			affected[t.gvr] = true
		}
	}
	if changed {
		s.changed()
	}
}

// unwatchUnwanted stops the watches of kinds no policy matches and forgets their objects' results. Called with mu held.
func (s *Scanner) unwatchUnwanted(wanted map[schema.GroupVersionResource]target) {
	dropped := false
	for gvr, w := range s.watches {
		if _, ok := wanted[gvr]; ok {
			continue
		}
		dropped = w.forgetAll(s.Book) || dropped
		w.cancel()
		delete(s.watches, gvr)
	}
	if dropped {
		s.changed()
	}
}

// queueScans queues a scan of every affected kind that is watched. Called with mu held.
func (s *Scanner) queueScans(affected map[schema.GroupVersionResource]bool, first bool) {
	for gvr := range affected {
		w, ok := s.watches[gvr]
		if !ok || !w.target.evaluate {
			continue
		}
		if first {
			w.initial = true
		}
		s.queue.Add(item{gvr: gvr, scan: true})
	}
	if first {
		s.checkSynced()
	}
}

// checkSynced marks the scanner synced once no watch waits for its first scan. Called with mu held.
func (s *Scanner) checkSynced() {
	for _, w := range s.watches {
		if w.initial {
			return
		}
	}
	s.synced.Store(true)
}
