package auditresults

import (
	"context"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
)

const (
	// notReadyDelay is how soon an AuditResult is looked at again while the store lacks one of its policies.
	notReadyDelay = time.Second
	// loadGrace is how long an AuditResult waits for a policy the store does not hold; then that policy's results
	// are dropped (the policy is gone).
	loadGrace = 30 * time.Second
)

// Reconciler puts the results of AuditResults in the leader's book and deletes them.
type Reconciler struct {
	Client client.Client
	Store  *policy.Store
	Book   *reports.Book
	// Changed, when set, is called after the book changed (the report writer's poke).
	Changed func()
}

// Reconcile moves one AuditResult into the book.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ar := &v1alpha1.AuditResult{}
	if err := r.Client.Get(ctx, req.NamespacedName, ar); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !r.Store.Ready() {
		return ctrl.Result{RequeueAfter: notReadyDelay}, nil
	}
	results, missing := resultsOf(r.Store.Snapshot(), ar.Spec.Policies)
	if missing && time.Since(ar.CreationTimestamp.Time) < loadGrace {
		// The replica that recorded it may have loaded a policy this one has not yet.
		return ctrl.Result{RequeueAfter: notReadyDelay}, nil
	}
	if r.Book.Update(resourceOf(ar.Spec.Resource), results) && r.Changed != nil {
		r.Changed()
	}
	if err := r.Client.Delete(ctx, ar); err != nil && !apierrors.IsNotFound(err) {
		return ctrl.Result{}, fmt.Errorf("deleting AuditResult %s: %w", req.NamespacedName, err)
	}
	return ctrl.Result{}, nil
}

func resourceOf(t v1alpha1.GenerateTrigger) reports.Resource {
	return reports.Resource{APIVersion: t.APIVersion, Kind: t.Kind, Namespace: t.Namespace, Name: t.Name, UID: types.UID(t.UID)}
}

// resultsOf turns the recorded results of the policies in force into engine results; missing says whether some
// policy was not in force.
func resultsOf(snap *policy.Snapshot, recorded []v1alpha1.AuditPolicyResult) (out []engine.PolicyResult, missing bool) {
	byKey := make(map[string]*engine.Policy, len(snap.Policies))
	for _, p := range snap.Policies {
		byKey[p.Key()] = p
	}
	out = make([]engine.PolicyResult, 0, len(recorded))
	for _, rec := range recorded {
		p := byKey[rec.Policy]
		if p == nil {
			missing = true
			continue
		}
		pr := engine.PolicyResult{Policy: p}
		for _, rr := range rec.Rules {
			pr.Rules = append(pr.Rules, engine.RuleResult{Rule: rr.Rule, Status: engine.Status(rr.Result),
				Message: rr.Message, Exception: rr.Exception, Action: engine.ActionAudit})
		}
		out = append(out, pr)
	}
	return out, missing
}

// SetupWithManager runs the reconciler on the leader.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	return ctrl.NewControllerManagedBy(mgr).Named("auditresults").For(&v1alpha1.AuditResult{}).Complete(r)
}
