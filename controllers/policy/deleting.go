package policy

import (
	"context"
	"fmt"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/fluxcd/pkg/runtime/patch"
	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine"
)

// DeletingSourceName is the store source of the DeletingPolicy and NamespacedDeletingPolicy objects applied as
// custom resources. A source of its own, so that a deleting policy and a policy of another kind with one name are
// reported as a conflict rather than replacing each other.
const DeletingSourceName = "cluster-deletingpolicies.kyverno.io"

// deletingObject is a DeletingPolicy or a NamespacedDeletingPolicy.
type deletingObject interface {
	statusObject
	GetSpec() *policiesv1.DeletingPolicySpec
	GetStatus() *policiesv1.DeletingPolicyStatus
}

// setupDeleting registers the controllers of DeletingPolicy and NamespacedDeletingPolicy.
func (r *Reconciler) setupDeleting(mgr manager.Manager, opts controller.Options, changed builder.Predicates) error {
	kinds := []struct {
		name string
		obj  func() deletingObject
		kind string
	}{
		{"deletingpolicy", func() deletingObject { return &policiesv1.DeletingPolicy{} }, policiesv1.DeletingPolicyKind},
		{"namespaceddeletingpolicy", func() deletingObject { return &policiesv1.NamespacedDeletingPolicy{} },
			policiesv1.NamespacedDeletingPolicyKind},
	}
	for _, k := range kinds {
		err := ctrl.NewControllerManagedBy(mgr).Named(k.name).For(k.obj(), changed).WithOptions(opts).
			Complete(reconcile.Func(func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
				return r.reconcileDeleting(ctx, req, k.obj(), k.kind)
			}))
		if err != nil {
			return fmt.Errorf("setting up the %s controller: %w", k.name, err)
		}
	}
	return nil
}

// reconcileDeleting loads a DeletingPolicy or NamespacedDeletingPolicy into the store, where the cleanup
// controller finds it, and writes Kyverno's conditionStatus beside the kstatus conditions. The cleanup controller
// writes lastExecutionTime and RBACPermissionsGranted.
func (r *Reconciler) reconcileDeleting(ctx context.Context, req ctrl.Request, obj deletingObject, kind string) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("kind", kind, "policy", req.NamespacedName.String())
	key := req.Name
	if req.Namespace != "" {
		key = req.Namespace + "/" + req.Name
	}
	if found, err := r.fetchOrForget(ctx, req, obj, DeletingSourceName, kind, key); !found || err != nil {
		return ctrl.Result{}, err
	}
	patcher := patch.NewSerialPatcher(obj, r.Client)
	defer func() {
		if err := r.patchStatus(ctx, patcher, obj); err != nil && retErr == nil {
			retErr = err
		}
	}()
	om := metav1.ObjectMeta{Name: obj.GetName(), Namespace: obj.GetNamespace(), Annotations: obj.GetAnnotations()}
	compiled, err := r.Loader.CompileDeleting(kind, &om, obj.GetSpec())
	if err != nil {
		r.markRefused(obj, ReasonInvalid, err)
		setDeletingCached(obj, false, ReasonInvalid, err.Error())
		log.Info("policy is invalid; the version loaded before stays in force", "reason", err.Error())
		return ctrl.Result{}, nil
	}
	if others := r.Store.OtherSources(DeletingSourceName, compiled.Key()); len(others) > 0 {
		err := fmt.Errorf("policy %s is also supplied by %v: rename one of them", compiled.Key(), others)
		r.markRefused(obj, ReasonConflict, err)
		setDeletingCached(obj, false, ReasonConflict, err.Error())
		return ctrl.Result{}, nil
	}
	r.Store.SetPolicy(DeletingSourceName, compiled)
	revision := r.Store.Snapshot().Revision
	conditions.MarkTrue(obj, meta.ReadyCondition, ReasonLoaded, "loaded into policy set revision %d, schedule %q",
		revision, compiled.Cleanup().Schedule)
	conditions.Delete(obj, meta.StalledCondition)
	conditions.Delete(obj, meta.ReconcilingCondition)
	setDeletingCached(obj, true, ReasonLoaded, fmt.Sprintf("policy loaded into policy set revision %d", revision))
	return ctrl.Result{}, nil
}

// setDeletingCached writes Kyverno's conditionStatus.ready and its PolicyCached condition.
func setDeletingCached(obj deletingObject, ready bool, reason, msg string) {
	st := obj.GetStatus()
	st.ConditionStatus.Ready = ptr.To(ready)
	st.ConditionStatus.Message = msg
	status := metav1.ConditionFalse
	if ready {
		status = metav1.ConditionTrue
	}
	setCondition(&st.ConditionStatus.Conditions, metav1.Condition{Type: policiesv1.ConditionPolicyCached, Status: status,
		Reason: reason, Message: msg, ObservedGeneration: obj.GetGeneration()})
}

// readDeleting compiles every deleting policy object for the initial load; invalid ones are left to their
// reconcile, which reports them.
func (l *initialLoad) readDeleting(ctx context.Context) ([]*engine.Policy, error) {
	c := l.mgr.GetClient()
	var dps policiesv1.DeletingPolicyList
	if err := c.List(ctx, &dps); err != nil {
		return nil, fmt.Errorf("listing DeletingPolicies: %w", err)
	}
	var ndps policiesv1.NamespacedDeletingPolicyList
	if err := c.List(ctx, &ndps); err != nil {
		return nil, fmt.Errorf("listing NamespacedDeletingPolicies: %w", err)
	}
	var policies []*engine.Policy
	add := func(kind string, om metav1.ObjectMeta, spec *policiesv1.DeletingPolicySpec) {
		if p, err := l.r.Loader.CompileDeleting(kind, &om, spec); err == nil {
			policies = append(policies, p)
		}
	}
	for i := range dps.Items {
		add(policiesv1.DeletingPolicyKind, dps.Items[i].ObjectMeta, &dps.Items[i].Spec)
	}
	for i := range ndps.Items {
		add(policiesv1.NamespacedDeletingPolicyKind, ndps.Items[i].ObjectMeta, &ndps.Items[i].Spec)
	}
	return policies, nil
}
