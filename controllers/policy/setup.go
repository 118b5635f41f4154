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
	err := ctrl.NewControllerManagedBy(mgr).Named("policyexception").For(&v1alpha1.PolicyException{}, changed).
		WithOptions(everyReplica).Complete(reconcile.Func(r.reconcileException))
	if err != nil {
		return fmt.Errorf("setting up the policyexception controller: %w", err)
	}
	return mgr.Add(&initialLoad{r: r, mgr: mgr})
}
