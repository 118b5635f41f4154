package reportsink

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/fluxcd/pkg/runtime/patch"
	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/reports/gitsink"
)

// Reconciler publishes the reports of a Book for each ReportSink.
type Reconciler struct {
	Client client.Client
	// Store holds the policies in force, whose revisions the commits name.
	Store *policy.Store
	// Book holds the results.
	Book *reports.Book
	// Publisher commits and pushes; its cache folder is the sinks' own.
	Publisher *gitsink.Publisher
	// Namespace, when set, is the only namespace whose ReportSinks are served (Bylaw's own).
	Namespace string
	// BaseBackoff and MaxBackoff shape the retries of a failed publication (DefaultBaseBackoff, DefaultMaxBackoff
	// when zero).
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// Poll is how often the Book's generation is checked (DefaultPoll when zero).
	Poll time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time

	mu    sync.Mutex
	sinks map[types.NamespacedName]*memo
}

// memo is what the Reconciler remembers of a sink between reconciles.
type memo struct {
	// published identifies the input (spec and rendered tree) last published, or found already on the branch.
	published string
	// retryAt is when a failed publication may be tried again.
	retryAt time.Time
	// stalled is the generation whose target can never work: nothing is tried until the spec changes.
	stalled int64
}

// ownedConditions are the conditions this controller writes.
var ownedConditions = []string{meta.ReadyCondition, meta.ReconcilingCondition, meta.StalledCondition}

// Reconcile runs the steps for one ReportSink, with one deferred status patch.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("reportsink", req.NamespacedName.String())
	ctx = logr.NewContext(ctx, log)
	if r.Namespace != "" && req.Namespace != r.Namespace {
		return ctrl.Result{}, nil
	}
	sink := &v1alpha1.ReportSink{}
	if err := r.Client.Get(ctx, req.NamespacedName, sink); err != nil {
		if apierrors.IsNotFound(err) {
			r.forget(req.NamespacedName)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, fmt.Errorf("reading ReportSink %s: %w", req.NamespacedName, err)
	}
	if !sink.DeletionTimestamp.IsZero() {
		r.forget(req.NamespacedName)
		return ctrl.Result{}, nil
	}
	patcher := patch.NewSerialPatcher(sink, r.Client)
	defer func() {
		if err := r.patchStatus(ctx, patcher, sink); err != nil && retErr == nil {
			retErr = err
		}
	}()
	if sink.Spec.Suspend {
		conditions.Delete(sink, meta.ReconcilingCondition)
		conditions.MarkTrue(sink, meta.ReadyCondition, ReasonSuspended, "suspended; results are kept and committed on resume")
		return ctrl.Result{}, nil
	}
	return r.reconcileSink(ctx, sink)
}

// reconcileSink builds, renders and publishes the sink's reports when they changed and the interval allows it.
func (r *Reconciler) reconcileSink(ctx context.Context, sink *v1alpha1.ReportSink) (ctrl.Result, error) {
	key := types.NamespacedName{Namespace: sink.Namespace, Name: sink.Name}
	m := r.memoOf(key)
	r.mu.Lock()
	stalled := m.stalled != 0 && m.stalled == sink.Generation
	r.mu.Unlock()
	if stalled {
		return ctrl.Result{}, nil // waits for a spec change
	}
	if wait := m.retryAt.Sub(r.now()); wait > 0 {
		return ctrl.Result{RequeueAfter: wait}, nil
	}
	c, err := r.content(sink)
	if err != nil {
		return r.failed(ctx, sink, m, ReasonRenderFailed, err)
	}
	input := inputOf(sink, c.tree)
	if m.published == input {
		return ctrl.Result{RequeueAfter: interval(sink)}, nil
	}
	if wait := r.untilNextCommit(sink); wait > 0 {
		due := sink.Status.LastPushTime.Add(interval(sink)).UTC().Format(time.RFC3339)
		conditions.MarkReconciling(sink, ReasonChangePending, "the reports changed; the next commit is due at %s", due)
		return ctrl.Result{RequeueAfter: wait}, nil
	}
	target, err := r.target(ctx, sink)
	if err != nil {
		return r.failed(ctx, sink, m, ReasonCredentials, err)
	}
	res, err := r.Publisher.Publish(ctx, target, c.tree, gitsink.CommitMessage(c.revisions, c.reports))
	if err != nil {
		return r.failed(ctx, sink, m, string(gitsink.ReasonOf(err)), err)
	}
	r.succeeded(ctx, sink, m, c, res, input)
	return ctrl.Result{RequeueAfter: interval(sink)}, nil
}

// succeeded records a publication in status and memory.
func (r *Reconciler) succeeded(ctx context.Context, sink *v1alpha1.ReportSink, m *memo, c content, res gitsink.Result,
	input string) {
	r.mu.Lock()
	m.published, m.retryAt = input, time.Time{}
	r.mu.Unlock()
	st := &sink.Status
	st.LastCommit, st.PolicyRevision, st.Failures = res.Commit, policyRevision(c.revisions), 0
	reason, msg := ReasonUpToDate, "the branch already holds the reports at "+short(res.Commit)
	if res.Pushed {
		now := metav1.NewTime(r.now())
		st.LastPushTime = &now
		reason, msg = ReasonPublished, "reports committed as "+short(res.Commit)
	}
	if st.PolicyRevision != "" {
		msg += " (policies " + st.PolicyRevision + ")"
	}
	conditions.MarkTrue(sink, meta.ReadyCondition, reason, "%s", msg)
	conditions.Delete(sink, meta.ReconcilingCondition)
	conditions.Delete(sink, meta.StalledCondition)
	logr.FromContextOrDiscard(ctx).Info("reports published", "commit", res.Commit, "pushed", res.Pushed,
		"attempts", res.Attempts, "files", len(c.tree))
}

// failed records a failed publication and schedules its retry: at once for nothing, after a capped exponential
// backoff for everything else; a target that can never work stalls until the spec changes.
func (r *Reconciler) failed(ctx context.Context, sink *v1alpha1.ReportSink, m *memo, reason string,
	err error) (ctrl.Result, error) {
	sink.Status.Failures++
	logr.FromContextOrDiscard(ctx).Error(err, "publishing reports failed", "reason", reason,
		"failures", sink.Status.Failures)
	conditions.Delete(sink, meta.ReconcilingCondition)
	if reason == string(gitsink.ReasonInvalid) {
		r.mu.Lock()
		m.stalled = sink.Generation
		r.mu.Unlock()
		conditions.MarkFalse(sink, meta.ReadyCondition, reason, "%s", err.Error())
		conditions.MarkStalled(sink, reason, "%s", err.Error())
		return ctrl.Result{}, nil
	}
	wait := r.backoff(sink.Status.Failures)
	r.mu.Lock()
	m.retryAt = r.now().Add(wait)
	r.mu.Unlock()
	conditions.MarkFalse(sink, meta.ReadyCondition, reason,
		"publishing failed %d time(s): %s; the reports are kept and retried in %s", sink.Status.Failures, err.Error(), wait)
	conditions.Delete(sink, meta.StalledCondition)
	return ctrl.Result{RequeueAfter: wait}, nil
}

// backoff is the delay before the retry that follows failures failed attempts in a row.
func (r *Reconciler) backoff(failures int64) time.Duration {
	base, ceiling := positive(r.BaseBackoff, DefaultBaseBackoff), positive(r.MaxBackoff, DefaultMaxBackoff)
	d := base
	for i := int64(1); i < failures && d < ceiling; i++ {
		d *= 2
	}
	return min(d, ceiling)
}

// untilNextCommit is how long the interval since the last push still runs.
func (r *Reconciler) untilNextCommit(sink *v1alpha1.ReportSink) time.Duration {
	if sink.Status.LastPushTime == nil {
		return 0
	}
	return sink.Status.LastPushTime.Add(interval(sink)).Sub(r.now())
}

func (r *Reconciler) memoOf(key types.NamespacedName) *memo {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sinks == nil {
		r.sinks = map[types.NamespacedName]*memo{}
	}
	m := r.sinks[key]
	if m == nil {
		m = &memo{}
		r.sinks[key] = m
	}
	return m
}

func (r *Reconciler) forget(key types.NamespacedName) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.sinks, key)
}

func (r *Reconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// patchStatus writes conditions, the other status fields and observedGeneration.
func (r *Reconciler) patchStatus(ctx context.Context, patcher *patch.SerialPatcher, sink *v1alpha1.ReportSink) error {
	err := patcher.Patch(ctx, sink, patch.WithOwnedConditions{Conditions: ownedConditions},
		patch.WithStatusObservedGeneration{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("patching status of ReportSink %s/%s: %w", sink.Namespace, sink.Name, err)
	}
	return nil
}

// interval is the sink's least time between commits.
func interval(sink *v1alpha1.ReportSink) time.Duration {
	return positive(sink.Spec.Interval.Duration, defaultInterval)
}

// positive returns d, or def when d is not positive.
func positive(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// short abbreviates a commit hash for messages.
func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
