package policy

import (
	"context"
	"fmt"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/fluxcd/pkg/runtime/patch"
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	bylawpolicy "github.com/bylaw-dev/bylaw/policy"
)

// SourceName is the store source of policies applied as custom resources.
const SourceName = "cluster"

// Condition reasons.
const (
	ReasonLoaded   = "Loaded"
	ReasonInvalid  = "InvalidPolicy"
	ReasonConflict = "PolicyConflict"
	// ReasonUnsupported: the policy is in force, but holds rules the engine cannot evaluate; they answer every
	// resource they select with an error (which denies under Enforce), so the policy is not Ready.
	ReasonUnsupported = "UnsupportedRule"
	eventActionSet    = "Load"
)

// Reconciler loads policy objects into the store.
type Reconciler struct {
	Client client.Client
	Loader *bylawpolicy.Loader
	Store  *bylawpolicy.Store
	// Events records Warning events for invalid policies; may be nil.
	Events events.EventRecorder
	// IsLeader reports whether this replica may write status; nil means always.
	IsLeader func() bool
	// ExceptionNamespaces are the namespaces PolicyExceptions are trusted from; nil trusts none.
	ExceptionNamespaces ExceptionNamespaces
}

// statusObject is an object whose kstatus conditions this controller writes.
type statusObject interface {
	client.Object
	conditions.Setter
}

// object is a ClusterPolicy or a Policy.
type object interface {
	statusObject
	GetSpec() *v1alpha1.Spec
}

// fetchOrForget reads the policy object of req into obj. When it is gone or being deleted, the policy key is removed
// from the store's source and found is false.
func (r *Reconciler) fetchOrForget(ctx context.Context, req ctrl.Request, obj client.Object, source, kind, key string) (bool, error) {
	if err := r.Client.Get(ctx, req.NamespacedName, obj); err != nil {
		if apierrors.IsNotFound(err) {
			r.Store.DeletePolicy(source, key)
			logr.FromContextOrDiscard(ctx).V(1).Info("policy removed from the store", "kind", kind, "policy", key)
			return false, nil
		}
		return false, fmt.Errorf("reading %s %s: %w", kind, key, err)
	}
	if !obj.GetDeletionTimestamp().IsZero() {
		r.Store.DeletePolicy(source, key)
		return false, nil
	}
	return true, nil
}

// ownedConditions are the conditions this controller writes.
var ownedConditions = []string{meta.ReadyCondition, meta.ReconcilingCondition, meta.StalledCondition}

func (r *Reconciler) reconcilePolicy(ctx context.Context, req ctrl.Request, obj object, kind string) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("kind", kind, "policy", req.NamespacedName.String())
	key := req.Name
	if req.Namespace != "" {
		key = req.Namespace + "/" + req.Name
	}
	if found, err := r.fetchOrForget(ctx, req, obj, SourceName, kind, key); !found || err != nil {
		return ctrl.Result{}, err
	}
	patcher := patch.NewSerialPatcher(obj, r.Client)
	defer func() {
		if err := r.patchStatus(ctx, patcher, obj); err != nil && retErr == nil {
			retErr = err
		}
	}()
	om := metav1.ObjectMeta{Name: obj.GetName(), Namespace: obj.GetNamespace(), Annotations: obj.GetAnnotations()}
	compiled, err := r.Loader.CompilePolicy(kind, &om, obj.GetSpec())
	if err != nil {
		r.markInvalid(obj, err)
		log.Info("policy is invalid; the version loaded before stays in force", "reason", err.Error())
		return ctrl.Result{}, nil
	}
	if others := r.Store.OtherSources(SourceName, compiled.Key()); len(others) > 0 {
		err := fmt.Errorf("policy %s is also supplied by %v: rename one of them", compiled.Key(), others)
		r.markRefused(obj, ReasonConflict, err)
		log.Info("policy conflicts with another source; not loaded", "others", others)
		return ctrl.Result{}, nil
	}
	r.Store.SetPolicy(SourceName, compiled)
	if unsupported := compiled.Unsupported(); len(unsupported) > 0 {
		r.markUnsupported(obj, unsupported)
		log.Info("policy holds rules the engine cannot evaluate; they answer with an error", "rules", len(unsupported))
		return ctrl.Result{}, nil
	}
	markLoaded(obj, compiled, r.Store.Snapshot().Revision)
	log.V(1).Info("policy loaded", "rules", len(compiled.Rules))
	return ctrl.Result{}, nil
}

func (r *Reconciler) markInvalid(obj object, err error) { r.markRefused(obj, ReasonInvalid, err) }

// markRefused marks obj not loaded (Ready=False, Stalled=True) for reason and records a Warning event saying why.
func (r *Reconciler) markRefused(obj statusObject, reason string, err error) {
	r.markNotReady(obj, reason, err.Error())
}

// markUnsupported sets Ready=False (and Stalled: only a change of the policy helps) naming each rule the engine cannot
// evaluate and its type. The policy stays in force: those rules answer with an error, never with a pass.
func (r *Reconciler) markUnsupported(obj object, rules []engine.UnsupportedRule) {
	r.markNotReady(obj, ReasonUnsupported, engine.DescribeUnsupported(rules))
}

// markNotReady sets Ready=False and Stalled=True with reason and msg, and records a Warning event with them.
func (r *Reconciler) markNotReady(obj statusObject, reason, msg string) {
	conditions.MarkFalse(obj, meta.ReadyCondition, reason, "%s", msg)
	conditions.MarkStalled(obj, reason, "%s", msg)
	conditions.Delete(obj, meta.ReconcilingCondition)
	if r.Events != nil && r.leader() {
		r.Events.Eventf(obj, nil, corev1.EventTypeWarning, reason, eventActionSet, "%s", msg)
	}
}

func markLoaded(obj object, p *engine.Policy, revision int64) {
	conditions.MarkTrue(obj, meta.ReadyCondition, ReasonLoaded, "loaded %d rules into policy set revision %d", len(p.Rules), revision)
	conditions.Delete(obj, meta.StalledCondition)
	conditions.Delete(obj, meta.ReconcilingCondition)
}

func (r *Reconciler) leader() bool { return r.IsLeader == nil || r.IsLeader() }

// patchStatus writes conditions and observedGeneration, on the leader only.
func (r *Reconciler) patchStatus(ctx context.Context, patcher *patch.SerialPatcher, obj client.Object) error {
	if !r.leader() {
		return nil
	}
	err := patcher.Patch(ctx, obj, patch.WithOwnedConditions{Conditions: ownedConditions}, patch.WithStatusObservedGeneration{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("patching status of %s: %w", client.ObjectKeyFromObject(obj), err)
	}
	return nil
}
