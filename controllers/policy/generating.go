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

// generatingObject is a GeneratingPolicy or a NamespacedGeneratingPolicy.
type generatingObject interface {
	statusObject
	GetSpec() *policiesv1.GeneratingPolicySpec
	GetStatus() *policiesv1.GeneratingPolicyStatus
}

// setupGenerating registers the controllers of GeneratingPolicy and NamespacedGeneratingPolicy.
func (r *Reconciler) setupGenerating(mgr manager.Manager, opts controller.Options, changed builder.Predicates) error {
	kinds := []struct {
		name string
		obj  func() generatingObject
		kind string
	}{
		{"generatingpolicy", func() generatingObject { return &policiesv1.GeneratingPolicy{} }, policiesv1.GeneratingPolicyKind},
		{"namespacedgeneratingpolicy", func() generatingObject { return &policiesv1.NamespacedGeneratingPolicy{} },
			policiesv1.NamespacedGeneratingPolicyKind},
	}
	for _, k := range kinds {
		err := ctrl.NewControllerManagedBy(mgr).Named(k.name).For(k.obj(), changed).WithOptions(opts).
			Complete(reconcile.Func(func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
				return r.reconcileGenerating(ctx, req, k.obj(), k.kind)
			}))
		if err != nil {
			return fmt.Errorf("setting up the %s controller: %w", k.name, err)
		}
	}
	return nil
}

// reconcileGenerating loads a GeneratingPolicy or NamespacedGeneratingPolicy into the store, under the source of the
// policies.kyverno.io objects, as reconcileValidating does for a ValidatingPolicy.
func (r *Reconciler) reconcileGenerating(ctx context.Context, req ctrl.Request, obj generatingObject, kind string) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("kind", kind, "policy", req.NamespacedName.String())
	key := req.Name
	if req.Namespace != "" {
		key = req.Namespace + "/" + req.Name
	}
	if found, err := r.fetchOrForget(ctx, req, obj, ValidatingSourceName, kind, key); !found || err != nil {
		return ctrl.Result{}, err
	}
	patcher := patch.NewSerialPatcher(obj, r.Client)
	defer func() {
		if err := r.patchStatus(ctx, patcher, obj); err != nil && retErr == nil {
			retErr = err
		}
	}()
	om := metav1.ObjectMeta{Name: obj.GetName(), Namespace: obj.GetNamespace(), Annotations: obj.GetAnnotations()}
	compiled, err := r.Loader.CompileGenerating(kind, &om, obj.GetSpec())
	if err != nil {
		r.markRefused(obj, ReasonInvalid, err)
		setGeneratingStatus(obj, false, ReasonInvalid, err.Error())
		log.Info("policy is invalid; the version loaded before stays in force", "reason", err.Error())
		return ctrl.Result{}, nil
	}
	if others := r.Store.OtherSources(ValidatingSourceName, compiled.Key()); len(others) > 0 {
		err := fmt.Errorf("policy %s is also supplied by %v: rename one of them", compiled.Key(), others)
		r.markRefused(obj, ReasonConflict, err)
		setGeneratingStatus(obj, false, ReasonConflict, err.Error())
		return ctrl.Result{}, nil
	}
	r.Store.SetPolicy(ValidatingSourceName, compiled)
	revision := r.Store.Snapshot().Revision
	conditions.MarkTrue(obj, meta.ReadyCondition, ReasonLoaded, "loaded into policy set revision %d", revision)
	conditions.Delete(obj, meta.StalledCondition)
	conditions.Delete(obj, meta.ReconcilingCondition)
	setGeneratingStatus(obj, true, ReasonLoaded, fmt.Sprintf("policy loaded into policy set revision %d", revision))
	log.V(1).Info("policy loaded")
	return ctrl.Result{}, nil
}

// setGeneratingStatus writes Kyverno's conditionStatus of a generating policy.
func setGeneratingStatus(obj generatingObject, ready bool, reason, msg string) {
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

// readGenerating compiles every generating policy object at start; invalid ones are left to their reconcile.
func (l *initialLoad) readGenerating(ctx context.Context) ([]*engine.Policy, error) {
	c := l.mgr.GetClient()
	var gps policiesv1.GeneratingPolicyList
	if err := c.List(ctx, &gps); err != nil {
		return nil, fmt.Errorf("listing GeneratingPolicies: %w", err)
	}
	var ngps policiesv1.NamespacedGeneratingPolicyList
	if err := c.List(ctx, &ngps); err != nil {
		return nil, fmt.Errorf("listing NamespacedGeneratingPolicies: %w", err)
	}
	var policies []*engine.Policy
	add := func(kind string, om metav1.ObjectMeta, spec *policiesv1.GeneratingPolicySpec) {
		if p, err := l.r.Loader.CompileGenerating(kind, &om, spec); err == nil {
			policies = append(policies, p)
		}
	}
	for i := range gps.Items {
		add(policiesv1.GeneratingPolicyKind, gps.Items[i].ObjectMeta, &gps.Items[i].Spec)
	}
	for i := range ngps.Items {
		add(policiesv1.NamespacedGeneratingPolicyKind, ngps.Items[i].ObjectMeta, &ngps.Items[i].Spec)
	}
	return policies, nil
}
