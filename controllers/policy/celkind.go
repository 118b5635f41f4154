package policy

import (
	"context"
	"fmt"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/fluxcd/pkg/runtime/patch"
	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine"
)

// celObject is an object of a policies.kyverno.io policy kind whose spec is S.
type celObject[S any] interface {
	statusObject
	GetSpec() *S
}

// celKind describes one policies.kyverno.io policy kind (MutatingPolicy, GeneratingPolicy, DeletingPolicy and
// their namespaced forms) for the one reconcile they share: load into the store, report conflicts, write the
// kstatus conditions and Kyverno's conditionStatus.
type celKind[S any, O celObject[S]] struct {
	name    string // controller name
	kind    string
	source  string // store source
	newObj  func() O
	compile func(kind string, meta *metav1.ObjectMeta, spec *S) (*engine.Policy, error)
	// status returns where Kyverno's conditionStatus of the object is.
	status func(O) *policiesv1.ConditionStatus
	// loaded writes what the kind adds to the status of a loaded policy and returns the Ready message.
	loaded func(O, *engine.Policy, int64) string
}

// setupCELKinds registers one controller per kind.
func setupCELKinds[S any, O celObject[S]](r *Reconciler, mgr manager.Manager, opts controller.Options,
	changed builder.Predicates, kinds ...celKind[S, O]) error {
	for _, k := range kinds {
		err := ctrl.NewControllerManagedBy(mgr).Named(k.name).For(k.newObj(), changed).WithOptions(opts).
			Complete(reconcile.Func(func(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
				return reconcileCELKind(ctx, r, req, k)
			}))
		if err != nil {
			return fmt.Errorf("setting up the %s controller: %w", k.name, err)
		}
	}
	return nil
}

// reconcileCELKind loads one object of kind k into the store, as reconcileValidating does for a ValidatingPolicy.
// An invalid or conflicting object leaves the version loaded before in force.
func reconcileCELKind[S any, O celObject[S]](ctx context.Context, r *Reconciler, req ctrl.Request,
	k celKind[S, O]) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("kind", k.kind, "policy", req.NamespacedName.String())
	obj := k.newObj()
	key := req.Name
	if req.Namespace != "" {
		key = req.Namespace + "/" + req.Name
	}
	if found, err := r.fetchOrForget(ctx, req, obj, k.source, k.kind, key); !found || err != nil {
		return ctrl.Result{}, err
	}
	patcher := patch.NewSerialPatcher(obj, r.Client)
	defer func() {
		if err := r.patchStatus(ctx, patcher, obj); err != nil && retErr == nil {
			retErr = err
		}
	}()
	st := k.status(obj)
	om := metav1.ObjectMeta{Name: obj.GetName(), Namespace: obj.GetNamespace(), Annotations: obj.GetAnnotations()}
	compiled, err := k.compile(k.kind, &om, obj.GetSpec())
	if err != nil {
		r.markRefused(obj, ReasonInvalid, err)
		setPolicyCached(st, obj.GetGeneration(), false, ReasonInvalid, err.Error())
		log.Info("policy is invalid; the version loaded before stays in force", "reason", err.Error())
		return ctrl.Result{}, nil
	}
	if others := r.Store.OtherSources(k.source, compiled.Key()); len(others) > 0 {
		err := fmt.Errorf("policy %s is also supplied by %v: rename one of them", compiled.Key(), others)
		r.markRefused(obj, ReasonConflict, err)
		setPolicyCached(st, obj.GetGeneration(), false, ReasonConflict, err.Error())
		return ctrl.Result{}, nil
	}
	r.Store.SetPolicy(k.source, compiled)
	revision := r.Store.Snapshot().Revision
	conditions.MarkTrue(obj, meta.ReadyCondition, ReasonLoaded, "%s", k.loaded(obj, compiled, revision))
	conditions.Delete(obj, meta.StalledCondition)
	conditions.Delete(obj, meta.ReconcilingCondition)
	setPolicyCached(st, obj.GetGeneration(), true, ReasonLoaded, fmt.Sprintf("policy loaded into policy set revision %d", revision))
	log.V(1).Info("policy loaded", "rules", len(compiled.Rules))
	return ctrl.Result{}, nil
}
