package gitsource

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/fluxcd/pkg/runtime/patch"
	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/fetch"
	"github.com/bylaw-dev/bylaw/policy"
)

// Reconciler reconciles GitSources into the policy store.
type Reconciler struct {
	Client  client.Client
	Fetcher *fetch.Fetcher
	// CacheDir holds the git caches.
	CacheDir string
	Loader   *policy.Loader
	Store    *policy.Store
	// Events records refusals and applied bundles; may be nil.
	Events events.EventRecorder
	// IsLeader reports whether this replica writes status; nil means always.
	IsLeader func() bool
	// Limits bound a bundle's files.
	Limits bundle.Limits
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	// Verifications counts the bundles verified: an unchanged revision does not add one.
	Verifications atomic.Int64

	mu    sync.Mutex
	seen  map[types.NamespacedName]string // the input (revision, spec, keys, trusted root) last verified, applied or refused
	tried map[types.NamespacedName]bool   // sources reconciled at least once
}

// ownedConditions are the conditions this controller writes.
var ownedConditions = []string{meta.ReadyCondition, meta.ReconcilingCondition, meta.StalledCondition,
	SourceVerifiedCondition, FetchFailedCondition}

// SourceName is the store source of a GitSource.
func SourceName(key types.NamespacedName) string {
	return "gitsource/" + key.Namespace + "/" + key.Name
}

// Reconcile runs the steps for one GitSource, with one deferred status patch.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("gitsource", req.NamespacedName.String())
	ctx = logr.NewContext(ctx, log)
	src := &v1alpha1.GitSource{}
	if err := r.Client.Get(ctx, req.NamespacedName, src); err != nil {
		if apierrors.IsNotFound(err) {
			r.forget(req.NamespacedName)
			r.Store.ReplaceSource(SourceName(req.NamespacedName), nil, nil)
			r.settle(req.NamespacedName)
			log.Info("source deleted; its policies are removed")
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, fmt.Errorf("reading GitSource %s: %w", req.NamespacedName, err)
	}
	if !src.DeletionTimestamp.IsZero() {
		r.forget(req.NamespacedName)
		r.Store.ReplaceSource(SourceName(req.NamespacedName), nil, nil)
		return ctrl.Result{}, nil
	}
	patcher := patch.NewSerialPatcher(src, r.Client)
	defer func() {
		if err := r.patchStatus(ctx, patcher, src); err != nil && retErr == nil {
			retErr = err
		}
		r.settle(req.NamespacedName)
	}()
	if src.Spec.Suspend {
		conditions.MarkTrue(src, meta.ReadyCondition, ReasonSuspended, "suspended; %s", inForce(src))
		return ctrl.Result{}, nil
	}
	return r.reconcileSource(ctx, src)
}

// reconcileSource fetches, then verifies and applies the bundle when its input changed.
func (r *Reconciler) reconcileSource(ctx context.Context, src *v1alpha1.GitSource) (ctrl.Result, error) {
	res, err := r.fetch(ctx, src)
	if fetch.ReasonOf(err) == fetch.ReasonSignature {
		conditions.Delete(src, FetchFailedCondition)
		r.refuse(ctx, src, "the fetched revision", string(fetch.ReasonSignature), err)
		return ctrl.Result{RequeueAfter: jittered(src.Spec.Interval.Duration)}, nil
	}
	if err != nil {
		reason := string(fetch.ReasonOf(err))
		conditions.MarkTrue(src, FetchFailedCondition, reason, "%s", err.Error())
		conditions.MarkFalse(src, meta.ReadyCondition, reason, "fetch failed: %s; %s", err.Error(), inForce(src))
		return ctrl.Result{}, err // requeued with the controller's exponential backoff
	}
	conditions.Delete(src, FetchFailedCondition)
	src.Status.LastFetchedRevision = res.Revision
	trusted, keyErr := r.trust(ctx, src)
	input := inputOf(src, res.Revision, trusted)
	if r.unchanged(src, input) {
		return ctrl.Result{RequeueAfter: jittered(src.Spec.Interval.Duration)}, nil
	}
	if keyErr != nil {
		r.refuse(ctx, src, res.Revision, ReasonKeyUnavailable, keyErr)
		return ctrl.Result{RequeueAfter: jittered(src.Spec.Interval.Duration)}, nil
	}
	r.Verifications.Add(1)
	out, reason, err := r.verify(src, res, trusted)
	r.remember(src, input)
	if err != nil {
		r.refuse(ctx, src, res.Revision, reason, err)
		return ctrl.Result{RequeueAfter: jittered(src.Spec.Interval.Duration)}, nil
	}
	r.apply(ctx, src, out)
	return ctrl.Result{RequeueAfter: jittered(src.Spec.Interval.Duration)}, nil
}

func (r *Reconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Reconciler) leader() bool { return r.IsLeader == nil || r.IsLeader() }

// unchanged reports whether input was already verified and its outcome is still what status shows.
func (r *Reconciler) unchanged(src *v1alpha1.GitSource, input string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen[types.NamespacedName{Namespace: src.Namespace, Name: src.Name}] == input
}

func (r *Reconciler) remember(src *v1alpha1.GitSource, input string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[types.NamespacedName]string{}
	}
	r.seen[types.NamespacedName{Namespace: src.Namespace, Name: src.Name}] = input
}

func (r *Reconciler) forget(key types.NamespacedName) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.seen, key)
}

// jittered adds up to 10% to an interval, so that sources do not fetch in lockstep.
func jittered(d time.Duration) time.Duration {
	if d <= 0 {
		d = 5 * time.Minute
	}
	return d + time.Duration(rand.Int64N(int64(d)/10+1))
}

// inForce describes the bundle in force, for messages.
func inForce(src *v1alpha1.GitSource) string {
	a := src.Status.Artifact
	if a == nil {
		return "no bundle in force"
	}
	return fmt.Sprintf("bundle %s version %d (%s) stays in force", a.Name, a.Version, a.Revision)
}

// patchStatus writes conditions and observedGeneration, on the leader only.
func (r *Reconciler) patchStatus(ctx context.Context, patcher *patch.SerialPatcher, src *v1alpha1.GitSource) error {
	if !r.leader() {
		return nil
	}
	err := patcher.Patch(ctx, src, patch.WithOwnedConditions{Conditions: ownedConditions}, patch.WithStatusObservedGeneration{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("patching status of GitSource %s/%s: %w", src.Namespace, src.Name, err)
	}
	return nil
}
