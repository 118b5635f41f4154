package generate

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// PolicyWatcher turns changes of the policy set into generate work. It keeps the previous snapshot, so that it knows
// the rules and kinds of a policy that is gone:
//   - a new or changed policy with generateExisting gets an Existing request for every trigger its rules select;
//   - a changed policy gets a Sync request for every trigger of its synchronized downstream;
//   - the synchronized downstream of a removed policy, or of a removed rule, is deleted unless the rule orphans it.
//
// The first snapshot counts as all new, so generateExisting also runs after a restart (requests are idempotent).
type PolicyWatcher struct {
	Store *policy.Store
	// Reader reads policies' CRs, triggers and downstream objects from the API server.
	Reader client.Reader
	// Client deletes downstream objects.
	Client   client.Client
	Recorder *Recorder
	Existing *ExistingLister
	Syncer   *Syncer
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
	if p.HasGenerate() {
		existing, err := w.generateExisting(ctx, p)
		errs = append(errs, err)
		if existing && w.Existing != nil {
			errs = append(errs, w.Existing.Record(ctx, p))
		}
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

// generateExisting reports whether the policy asks for generateExisting (generate.generateExisting of a rule, or the
// deprecated spec.generateExisting and spec.generateExistingOnPolicyUpdate). The compiled policy does not carry it, so
// it is read from the policy's CR; a policy without a CR (from a GitSource bundle) does not generate for existing
// triggers.
func (w *PolicyWatcher) generateExisting(ctx context.Context, p *engine.Policy) (bool, error) {
	var obj client.Object
	var spec *v1alpha1.Spec
	if p.Namespace == "" {
		cp := &v1alpha1.ClusterPolicy{}
		obj, spec = cp, &cp.Spec
	} else {
		np := &v1alpha1.Policy{}
		obj, spec = np, &np.Spec
	}
	err := w.Reader.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: p.Name}, obj)
	if apierrors.IsNotFound(err) {
		logr.FromContextOrDiscard(ctx).V(1).Info("policy has no CR; generateExisting is not read", "policy", p.Key())
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading policy %s for generateExisting: %w", p.Key(), err)
	}
	return specGeneratesExisting(spec), nil
}

func specGeneratesExisting(spec *v1alpha1.Spec) bool {
	if spec.GenerateExisting || (spec.GenerateExistingOnPolicyUpdate != nil && *spec.GenerateExistingOnPolicyUpdate) {
		return true
	}
	for _, r := range spec.Rules {
		if r.Generation != nil && r.Generation.GenerateExisting != nil && *r.Generation.GenerateExisting {
			return true
		}
	}
	return false
}
