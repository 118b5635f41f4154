package policy

import (
	"context"
	"fmt"

	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// SetupWithManager registers the ClusterPolicy, Policy and PolicyException controllers and the initial load, which
// marks the store ready once every policy object that existed at start has been read. They run on every replica.
func (r *Reconciler) SetupWithManager(mgr manager.Manager) error {
	everyReplica := controller.Options{NeedLeaderElection: ptr.To(false)}
	changed := builder.WithPredicates(predicate.Or(predicate.GenerationChangedPredicate{}, predicate.AnnotationChangedPredicate{}))
	controllers := []struct {
		name string
		obj  func() object
		kind string
	}{
		{"clusterpolicy", func() object { return &v1alpha1.ClusterPolicy{} }, "ClusterPolicy"},
		{"policy", func() object { return &v1alpha1.Policy{} }, "Policy"},
	}
	for _, c := range controllers {
		err := ctrl.NewControllerManagedBy(mgr).Named(c.name).For(c.obj(), changed).WithOptions(everyReplica).
			Complete(reconcile.Func(func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
				return r.reconcilePolicy(ctx, req, c.obj(), c.kind)
			}))
		if err != nil {
			return fmt.Errorf("setting up the %s controller: %w", c.name, err)
		}
	}
	if err := r.setupValidating(mgr, everyReplica, changed); err != nil {
		return err
	}
	if err := r.setupDeleting(mgr, everyReplica, changed); err != nil {
		return err
	}
	if err := r.setupGenerating(mgr, everyReplica, changed); err != nil {
		return err
	}
	if err := r.setupMutating(mgr, everyReplica, changed); err != nil {
		return err
	}
	err := ctrl.NewControllerManagedBy(mgr).Named("policyexception").For(&v1alpha1.PolicyException{}, changed).
		WithOptions(everyReplica).Complete(reconcile.Func(r.reconcileException))
	if err != nil {
		return fmt.Errorf("setting up the policyexception controller: %w", err)
	}
	return mgr.Add(&initialLoad{r: r, mgr: mgr})
}

// setupValidating registers the controllers of the policies.kyverno.io kinds: ValidatingPolicy,
// NamespacedValidatingPolicy and PolicyException.
func (r *Reconciler) setupValidating(mgr manager.Manager, opts controller.Options, changed builder.Predicates) error {
	kinds := []struct {
		name string
		obj  func() validatingObject
		kind string
	}{
		{"validatingpolicy", func() validatingObject { return &policiesv1.ValidatingPolicy{} }, policiesv1.ValidatingPolicyKind},
		{"namespacedvalidatingpolicy", func() validatingObject { return &policiesv1.NamespacedValidatingPolicy{} },
			policiesv1.NamespacedValidatingPolicyKind},
	}
	for _, k := range kinds {
		err := ctrl.NewControllerManagedBy(mgr).Named(k.name).For(k.obj(), changed).WithOptions(opts).
			Complete(reconcile.Func(func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
				return r.reconcileValidating(ctx, req, k.obj(), k.kind)
			}))
		if err != nil {
			return fmt.Errorf("setting up the %s controller: %w", k.name, err)
		}
	}
	err := ctrl.NewControllerManagedBy(mgr).Named("celpolicyexception").For(&policiesv1.PolicyException{}, changed).
		WithOptions(opts).Complete(reconcile.Func(r.reconcileCELException))
	if err != nil {
		return fmt.Errorf("setting up the policies.kyverno.io policyexception controller: %w", err)
	}
	return nil
}
