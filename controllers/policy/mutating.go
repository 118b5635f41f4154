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
	bylawpolicy "github.com/bylaw-dev/bylaw/policy"
)

// MutatingSourceName is the store source of the MutatingPolicy and NamespacedMutatingPolicy objects applied as
// custom resources. It is a source of its own so that a MutatingPolicy and a policy of another kind with one name
// are reported as a conflict rather than replacing each other.
const MutatingSourceName = "cluster-mutatingpolicies.policies.kyverno.io"

// mutatingObject is a MutatingPolicy or a NamespacedMutatingPolicy.
type mutatingObject interface {
	statusObject
	GetSpec() *policiesv1.MutatingPolicySpec
	GetStatus() *policiesv1.MutatingPolicyStatus
}

// setupMutating registers the controllers of MutatingPolicy and NamespacedMutatingPolicy.
func (r *Reconciler) setupMutating(mgr manager.Manager, opts controller.Options, changed builder.Predicates) error {
	kinds := []struct {
		name string
		obj  func() mutatingObject
		kind string
	}{
		{"mutatingpolicy", func() mutatingObject { return &policiesv1.MutatingPolicy{} }, policiesv1.MutatingPolicyKind},
		{"namespacedmutatingpolicy", func() mutatingObject { return &policiesv1.NamespacedMutatingPolicy{} },
			policiesv1.NamespacedMutatingPolicyKind},
	}
	for _, k := range kinds {
		err := ctrl.NewControllerManagedBy(mgr).Named(k.name).For(k.obj(), changed).WithOptions(opts).
			Complete(reconcile.Func(func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
				return r.reconcileMutating(ctx, req, k.obj(), k.kind)
			}))
		if err != nil {
			return fmt.Errorf("setting up the %s controller: %w", k.name, err)
		}
	}
	return nil
}

// reconcileMutating loads a MutatingPolicy or NamespacedMutatingPolicy into the store, as reconcileValidating does
// for a ValidatingPolicy, and writes Kyverno's conditionStatus and status.autogen beside the kstatus conditions.
func (r *Reconciler) reconcileMutating(ctx context.Context, req ctrl.Request, obj mutatingObject, kind string) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("kind", kind, "policy", req.NamespacedName.String())
	key := req.Name
	if req.Namespace != "" {
		key = req.Namespace + "/" + req.Name
	}
	if found, err := r.fetchOrForget(ctx, req, obj, MutatingSourceName, kind, key); !found || err != nil {
		return ctrl.Result{}, err
	}
	patcher := patch.NewSerialPatcher(obj, r.Client)
	defer func() {
		if err := r.patchStatus(ctx, patcher, obj); err != nil && retErr == nil {
			retErr = err
		}
	}()
	st := &obj.GetStatus().ConditionStatus
	om := metav1.ObjectMeta{Name: obj.GetName(), Namespace: obj.GetNamespace(), Annotations: obj.GetAnnotations()}
	compiled, err := r.Loader.CompileMutating(kind, &om, obj.GetSpec())
	if err != nil {
		r.markRefused(obj, ReasonInvalid, err)
		setPolicyCached(st, obj.GetGeneration(), false, ReasonInvalid, err.Error())
		log.Info("policy is invalid; the version loaded before stays in force", "reason", err.Error())
		return ctrl.Result{}, nil
	}
	if others := r.Store.OtherSources(MutatingSourceName, compiled.Key()); len(others) > 0 {
		err := fmt.Errorf("policy %s is also supplied by %v: rename one of them", compiled.Key(), others)
		r.markRefused(obj, ReasonConflict, err)
		setPolicyCached(st, obj.GetGeneration(), false, ReasonConflict, err.Error())
		return ctrl.Result{}, nil
	}
	r.Store.SetPolicy(MutatingSourceName, compiled)
	if configs, err := bylawpolicy.AutogenMutating(obj.GetSpec()); err == nil {
		obj.GetStatus().Autogen = policiesv1.MutatingPolicyAutogenStatus{Configs: configs}
	}
	revision := r.Store.Snapshot().Revision
	conditions.MarkTrue(obj, meta.ReadyCondition, ReasonLoaded, "loaded %d rules into policy set revision %d", len(compiled.Rules), revision)
	conditions.Delete(obj, meta.StalledCondition)
	conditions.Delete(obj, meta.ReconcilingCondition)
	setPolicyCached(st, obj.GetGeneration(), true, ReasonLoaded, fmt.Sprintf("policy loaded into policy set revision %d", revision))
	log.V(1).Info("policy loaded", "rules", len(compiled.Rules))
	return ctrl.Result{}, nil
}

// setPolicyCached writes Kyverno's conditionStatus of a CEL policy: ready, and PolicyCached (the policy is in the
// store Bylaw evaluates from).
func setPolicyCached(st *policiesv1.ConditionStatus, generation int64, ready bool, reason, msg string) {
	st.Ready = ptr.To(ready)
	st.Message = msg
	status := metav1.ConditionFalse
	if ready {
		status = metav1.ConditionTrue
	}
	setCondition(&st.Conditions, metav1.Condition{Type: policiesv1.ConditionPolicyCached, Status: status,
		Reason: reason, Message: msg, ObservedGeneration: generation})
}

// readMutating compiles every MutatingPolicy and NamespacedMutatingPolicy, as read does the bylaw.dev kinds.
func (l *initialLoad) readMutating(ctx context.Context) ([]*engine.Policy, error) {
	c := l.mgr.GetClient()
	var mps policiesv1.MutatingPolicyList
	if err := c.List(ctx, &mps); err != nil {
		return nil, fmt.Errorf("listing MutatingPolicies: %w", err)
	}
	var nmps policiesv1.NamespacedMutatingPolicyList
	if err := c.List(ctx, &nmps); err != nil {
		return nil, fmt.Errorf("listing NamespacedMutatingPolicies: %w", err)
	}
	var policies []*engine.Policy
	add := func(kind string, om metav1.ObjectMeta, spec *policiesv1.MutatingPolicySpec) {
		if p, err := l.r.Loader.CompileMutating(kind, &om, spec); err == nil {
			policies = append(policies, p)
		}
	}
	for i := range mps.Items {
		add(policiesv1.MutatingPolicyKind, mps.Items[i].ObjectMeta, &mps.Items[i].Spec)
	}
	for i := range nmps.Items {
		add(policiesv1.NamespacedMutatingPolicyKind, nmps.Items[i].ObjectMeta, &nmps.Items[i].Spec)
	}
	return policies, nil
}
