package generate

import (
	"context"
	"errors"

	"github.com/go-logr/logr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// PolicyWatcher turns changes of the policy set into generate work. It keeps the previous snapshot, so that it knows
// the rules and kinds of a policy that is gone:
//   - a new or changed policy gets an Existing request for every trigger its generateExisting rules select;
//   - a changed policy gets a Sync request for every trigger of its synchronized downstream;
//   - the synchronized downstream of a removed policy, or of a removed rule, is deleted unless the rule orphans it;
//   - the clone sources of synchronized rules are watched (SourceWatcher).
//
// The first snapshot counts as all new, so generateExisting also runs after a restart (requests are idempotent).
type PolicyWatcher struct {
	Store *policy.Store
	// Reader reads downstream objects from the API server.
	Reader client.Reader
	// Client deletes downstream objects.
	Client   client.Client
	Recorder *Recorder
	Existing *ExistingLister
	Syncer   *Syncer
	// Sources watches the clone sources of synchronized rules.
	Sources *SourceWatcher
}

// NeedLeaderElection makes the watcher run on the leader only.
func (w *PolicyWatcher) NeedLeaderElection() bool { return true }

// Start handles every change of the snapshot until ctx is done.
func (w *PolicyWatcher) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("generate-policies")
	ctx = logr.NewContext(ctx, log)
	changes, cancel := w.Store.Subscribe()
	defer cancel()
	prev := &policy.Snapshot{}
	for {
		if snap := w.Store.Snapshot(); w.Store.Ready() && snap != prev {
			if err := w.Handle(ctx, prev, snap); err != nil {
				log.Error(err, "handling a policy change; the next change retries what failed")
			}
			prev = snap
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changes:
		}
	}
}

// Handle turns the change from prev to next into generate work; it goes on after an error and returns them all.
func (w *PolicyWatcher) Handle(ctx context.Context, prev, next *policy.Snapshot) error {
	var errs []error
	if w.Syncer != nil {
		errs = append(errs, w.Syncer.WatchKinds(ctx, next))
	}
	if w.Sources != nil {
		errs = append(errs, w.Sources.Watch(ctx, next))
	}
	before := map[string]*engine.Policy{}
	for _, p := range prev.Policies {
		before[p.Key()] = p
	}
	for _, p := range next.Policies {
		old := before[p.Key()]
		delete(before, p.Key())
		if old == p {
			continue
		}
		errs = append(errs, w.policyChanged(ctx, old, p))
	}
	for _, old := range before {
		errs = append(errs, w.deleteDownstream(ctx, old, func(g engine.GenerateRule) bool {
			return g.Synchronize && !g.OrphanOnPolicyDelete
		}))
	}
	return errors.Join(errs...)
}

// policyChanged handles a new (old is nil) or changed policy.
func (w *PolicyWatcher) policyChanged(ctx context.Context, old, p *engine.Policy) error {
	var errs []error
	if old != nil {
		kept := map[string]bool{}
		for _, g := range p.GenerateRules() {
			kept[g.Name] = true
		}
		errs = append(errs, w.deleteDownstream(ctx, old, func(g engine.GenerateRule) bool {
			return !kept[g.Name] && g.Synchronize && !g.OrphanOnPolicyDelete
		}))
		errs = append(errs, w.syncDownstream(ctx, p))
	}
	if w.Existing != nil && generatesExisting(p) {
		errs = append(errs, w.Existing.Record(ctx, p))
	}
	return errors.Join(errs...)
}

// deleteDownstream deletes the downstream of the rules of p that include selects.
func (w *PolicyWatcher) deleteDownstream(ctx context.Context, p *engine.Policy, include func(engine.GenerateRule) bool) error {
	objs, err := listDownstream(ctx, w.Reader, p, nil, include)
	if err != nil {
		return err
	}
	return deleteObjects(ctx, w.Client, objs)
}

// syncDownstream records one Sync request per trigger of the synchronized downstream of p.
func (w *PolicyWatcher) syncDownstream(ctx context.Context, p *engine.Policy) error {
	objs, err := listDownstream(ctx, w.Reader, p, nil, func(g engine.GenerateRule) bool { return g.Synchronize })
	if err != nil {
		return err
	}
	seen := map[v1alpha1.GenerateTrigger]bool{}
	var errs []error
	for i := range objs {
		o, ok := originOf(&objs[i])
		if !ok || o.policy != p.Key() || seen[o.trigger] {
			continue
		}
		seen[o.trigger] = true
		errs = append(errs, w.Recorder.Record(ctx, v1alpha1.GenerateRequestSpec{Policy: p.Key(), Trigger: o.trigger,
			Operation: v1alpha1.GenerateSync}))
	}
	return errors.Join(errs...)
}

// generatesExisting reports whether a generate rule of p runs for existing triggers (compiled from the rule's
// generate.generateExisting or the policy's spec).
func generatesExisting(p *engine.Policy) bool {
	for _, g := range p.GenerateRules() {
		if g.GenerateExisting {
			return true
		}
	}
	return false
}
