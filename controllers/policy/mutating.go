package policy

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"

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

// setupMutating registers the controllers of MutatingPolicy and NamespacedMutatingPolicy; a loaded policy also
// gets Kyverno's status.autogen.
func (r *Reconciler) setupMutating(mgr manager.Manager, opts controller.Options, changed builder.Predicates) error {
	status := func(o mutatingObject) *policiesv1.ConditionStatus { return &o.GetStatus().ConditionStatus }
	loaded := func(o mutatingObject, p *engine.Policy, revision int64) string {
		if configs, err := bylawpolicy.AutogenMutating(o.GetSpec()); err == nil {
			o.GetStatus().Autogen = policiesv1.MutatingPolicyAutogenStatus{Configs: configs}
		}
		return fmt.Sprintf("loaded %d rules into policy set revision %d", len(p.Rules), revision)
	}
	return setupCELKinds(r, mgr, opts, changed,
		celKind[policiesv1.MutatingPolicySpec, mutatingObject]{name: "mutatingpolicy", kind: policiesv1.MutatingPolicyKind,
			source: MutatingSourceName, newObj: func() mutatingObject { return &policiesv1.MutatingPolicy{} },
			compile: r.Loader.CompileMutating, status: status, loaded: loaded},
		celKind[policiesv1.MutatingPolicySpec, mutatingObject]{name: "namespacedmutatingpolicy",
			kind: policiesv1.NamespacedMutatingPolicyKind, source: MutatingSourceName,
			newObj:  func() mutatingObject { return &policiesv1.NamespacedMutatingPolicy{} },
			compile: r.Loader.CompileMutating, status: status, loaded: loaded})
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
