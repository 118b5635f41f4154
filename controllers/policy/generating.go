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

// generatingObject is a GeneratingPolicy or a NamespacedGeneratingPolicy.
type generatingObject interface {
	statusObject
	GetSpec() *policiesv1.GeneratingPolicySpec
	GetStatus() *policiesv1.GeneratingPolicyStatus
}

// setupGenerating registers the controllers of GeneratingPolicy and NamespacedGeneratingPolicy; they load the
// policies under the source of the policies.kyverno.io objects.
func (r *Reconciler) setupGenerating(mgr manager.Manager, opts controller.Options, changed builder.Predicates) error {
	status := func(o generatingObject) *policiesv1.ConditionStatus { return &o.GetStatus().ConditionStatus }
	loaded := func(_ generatingObject, _ *engine.Policy, revision int64) string {
		return fmt.Sprintf("loaded into policy set revision %d", revision)
	}
	return setupCELKinds(r, mgr, opts, changed,
		celKind[policiesv1.GeneratingPolicySpec, generatingObject]{name: "generatingpolicy",
			kind: policiesv1.GeneratingPolicyKind, source: ValidatingSourceName,
			newObj:  func() generatingObject { return &policiesv1.GeneratingPolicy{} },
			compile: r.Loader.CompileGenerating, status: status, loaded: loaded},
		celKind[policiesv1.GeneratingPolicySpec, generatingObject]{name: "namespacedgeneratingpolicy",
			kind: policiesv1.NamespacedGeneratingPolicyKind, source: ValidatingSourceName,
			newObj:  func() generatingObject { return &policiesv1.NamespacedGeneratingPolicy{} },
			compile: r.Loader.CompileGenerating, status: status, loaded: loaded})
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
