package generate

import (
	"context"
	"fmt"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/fluxcd/pkg/runtime/patch"
	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// Reasons of the conditions of a GenerateRequest.
const (
	ReasonFailed   = "GenerateFailed"
	ReasonRetrying = "Retrying"
	ReasonWaiting  = "WaitingForTrigger"
)

// DefaultTriggerGrace is how long a request for a created trigger waits for the trigger to be stored: the webhook
// records the request before the API server stores the object, and a later webhook may still refuse it.
const DefaultTriggerGrace = 30 * time.Second

// stalledAfter is the number of failed attempts after which a request is marked Stalled; it is still retried.
const stalledAfter = 10

// ownedConditions are the conditions this controller writes.
var ownedConditions = []string{meta.ReadyCondition, meta.ReconcilingCondition, meta.StalledCondition}

// Reconciler processes GenerateRequests.
type Reconciler struct {
	// Client reads GenerateRequests (a cache of Bylaw's namespace) and writes everything.
	Client client.Client
	// Reader reads triggers, namespaces and downstream objects from the API server.
	Reader client.Reader
	Engine *engine.Engine
	Store  *policy.Store
	// Loader serves context entries and clone sources.
	Loader engine.Loader
	// FieldOwner is the field manager of server-side applies (DefaultFieldOwner when empty).
	FieldOwner string
	// TriggerGrace is how long a CREATE request waits for its trigger (DefaultTriggerGrace when 0).
	TriggerGrace time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Downstream, when set, watches the kind of a synchronized object before it is written.
	Downstream DownstreamWatch
}

// attempt is one reconciliation of one request: what the steps found so far.
type attempt struct {
	gr        *v1alpha1.GenerateRequest
	snap      *policy.Snapshot
	policy    *engine.Policy
	trigger   *unstructured.Unstructured
	generated []v1alpha1.GeneratedReference
}

// verdict is what a step decided.
type verdict int

const (
	proceed  verdict = iota // go on with the next step
	finished                // the request is done: delete it
	waiting                 // look again shortly, without counting a failure
)

type step func(ctx context.Context, a *attempt) (verdict, error)

// Reconcile runs the steps for one GenerateRequest, with one deferred status patch.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("generateRequest", req.NamespacedName.String())
	gr := &v1alpha1.GenerateRequest{}
	if err := r.Client.Get(ctx, req.NamespacedName, gr); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !gr.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, nil
	}
	log = log.WithValues("policy", gr.Spec.Policy, "operation", gr.Spec.Operation, "triggerKind", gr.Spec.Trigger.Kind,
		"trigger", triggerName(gr.Spec.Trigger))
	ctx = logr.NewContext(ctx, log)
	a := &attempt{gr: gr, snap: r.Store.Snapshot()}
	patcher := patch.NewSerialPatcher(gr, r.Client)
	deleted := false
	defer func() {
		if deleted {
			return
		}
		if err := r.patchStatus(ctx, patcher, gr); err != nil && retErr == nil {
			retErr = err
		}
	}()
	v, err := r.runSteps(ctx, a)
	switch {
	case err != nil:
		r.markFailed(ctx, a, err)
		return ctrl.Result{}, err // requeued with the controller's capped exponential backoff
	case v == waiting:
		conditions.MarkReconciling(gr, ReasonWaiting, "waiting for the trigger to be stored")
		return ctrl.Result{RequeueAfter: time.Second}, nil
	}
	if err := r.Client.Delete(ctx, gr); err != nil && !apierrors.IsNotFound(err) {
		return ctrl.Result{}, fmt.Errorf("deleting GenerateRequest %s: %w", req.NamespacedName, err)
	}
	deleted = true
	log.V(1).Info("generate request done", "generated", len(a.generated))
	return ctrl.Result{}, nil
}

// runSteps runs the steps in order until one stops.
func (r *Reconciler) runSteps(ctx context.Context, a *attempt) (verdict, error) {
	for _, s := range []step{r.findPolicy, r.loadTrigger, r.applyGenerated, r.applyTargets} {
		v, err := s(ctx, a)
		if err != nil || v != proceed {
			return v, err
		}
	}
	return finished, nil
}

// markFailed records a failed attempt in status.
func (r *Reconciler) markFailed(ctx context.Context, a *attempt, err error) {
	gr := a.gr
	gr.Status.Attempts++
	gr.Status.LastError = err.Error()
	gr.Status.Generated = a.generated
	conditions.MarkFalse(gr, meta.ReadyCondition, ReasonFailed, "attempt %d failed: %s", gr.Status.Attempts, err.Error())
	if gr.Status.Attempts >= stalledAfter {
		conditions.MarkStalled(gr, ReasonFailed, "%d attempts failed; still retrying with backoff", gr.Status.Attempts)
	}
	conditions.MarkReconciling(gr, ReasonRetrying, "retrying with backoff")
	logr.FromContextOrDiscard(ctx).Error(err, "generate request failed; will retry", "attempts", gr.Status.Attempts)
}

// patchStatus writes conditions, attempts and the last error.
func (r *Reconciler) patchStatus(ctx context.Context, patcher *patch.SerialPatcher, gr *v1alpha1.GenerateRequest) error {
	err := patcher.Patch(ctx, gr, patch.WithOwnedConditions{Conditions: ownedConditions}, patch.WithStatusObservedGeneration{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("patching status of GenerateRequest %s/%s: %w", gr.Namespace, gr.Name, err)
	}
	return nil
}

// findPolicy looks the policy up in the snapshot in force; a policy that is gone ends the request.
func (r *Reconciler) findPolicy(ctx context.Context, a *attempt) (verdict, error) {
	for _, p := range a.snap.Policies {
		if p.Key() == a.gr.Spec.Policy {
			a.policy = p
			return proceed, nil
		}
	}
	logr.FromContextOrDiscard(ctx).Info("policy is gone; nothing to generate")
	return finished, nil
}

// loadTrigger reads the trigger. A trigger that is gone (or deleted and created again under its name) has its
// synchronized downstream deleted. The webhook records a request before the API server stores or deletes the
// trigger, so a created trigger not stored yet, or a deleted one still there, is waited for, for a while; after
// that the request goes on with what is there.
func (r *Reconciler) loadTrigger(ctx context.Context, a *attempt) (verdict, error) {
	t := a.gr.Spec.Trigger
	u, err := r.getObject(ctx, t.APIVersion, t.Kind, t.Namespace, t.Name)
	if err != nil && !apierrors.IsNotFound(err) {
		return proceed, fmt.Errorf("reading trigger %s %s: %w", t.Kind, triggerName(t), err)
	}
	gone := err != nil || (t.UID != "" && string(u.GetUID()) != t.UID) || u.GetDeletionTimestamp() != nil
	young := r.now().Sub(a.gr.CreationTimestamp.Time) < r.triggerGrace()
	switch op := a.gr.Spec.Operation; {
	case young && op == v1alpha1.GenerateOnCreate && err != nil:
		return waiting, nil // not stored yet
	case young && op == v1alpha1.GenerateOnDelete && !gone:
		return waiting, nil // not deleted yet
	case !gone:
		a.trigger = u
		return proceed, nil
	}
	if err := r.deleteTriggerDownstream(ctx, a.policy, t); err != nil {
		return proceed, err
	}
	logr.FromContextOrDiscard(ctx).Info("trigger is gone; its synchronized downstream is deleted")
	return finished, nil
}

func (r *Reconciler) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Reconciler) triggerGrace() time.Duration {
	if r.TriggerGrace > 0 {
		return r.TriggerGrace
	}
	return DefaultTriggerGrace
}

func (r *Reconciler) fieldOwner() string {
	if r.FieldOwner != "" {
		return r.FieldOwner
	}
	return DefaultFieldOwner
}
