package policy

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"

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

// setupDeleting registers the controllers of DeletingPolicy and NamespacedDeletingPolicy. They load the policies
// into the store, where the cleanup controller finds them; the cleanup controller writes lastExecutionTime and
// RBACPermissionsGranted.
func (r *Reconciler) setupDeleting(mgr manager.Manager, opts controller.Options, changed builder.Predicates) error {
	status := func(o deletingObject) *policiesv1.ConditionStatus { return &o.GetStatus().ConditionStatus }
	loaded := func(_ deletingObject, p *engine.Policy, revision int64) string {
		return fmt.Sprintf("loaded into policy set revision %d, schedule %q", revision, p.Cleanup().Schedule)
	}
	return setupCELKinds(r, mgr, opts, changed,
		celKind[policiesv1.DeletingPolicySpec, deletingObject]{name: "deletingpolicy", kind: policiesv1.DeletingPolicyKind,
			source: DeletingSourceName, newObj: func() deletingObject { return &policiesv1.DeletingPolicy{} },
			compile: r.Loader.CompileDeleting, status: status, loaded: loaded},
		celKind[policiesv1.DeletingPolicySpec, deletingObject]{name: "namespaceddeletingpolicy",
			kind: policiesv1.NamespacedDeletingPolicyKind, source: DeletingSourceName,
			newObj:  func() deletingObject { return &policiesv1.NamespacedDeletingPolicy{} },
			compile: r.Loader.CompileDeleting, status: status, loaded: loaded})
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
