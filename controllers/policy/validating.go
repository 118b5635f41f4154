package policy

import (
	"context"
	"fmt"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/fluxcd/pkg/runtime/patch"
	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine"
	bylawpolicy "github.com/bylaw-dev/bylaw/policy"
)

// ValidatingSourceName is the store source of the policies.kyverno.io objects applied as custom resources
// (ValidatingPolicy, NamespacedValidatingPolicy, PolicyException). It is a source of its own so that a
// ValidatingPolicy and a ClusterPolicy of one name are reported as a conflict rather than replacing each other.
const ValidatingSourceName = "cluster-policies.kyverno.io"

// ReasonExpired is the Ready reason of a PolicyException whose expiresAt has passed.
const ReasonExpired = "Expired"

// validatingObject is a ValidatingPolicy or a NamespacedValidatingPolicy.
type validatingObject interface {
	statusObject
	GetSpec() *policiesv1.ValidatingPolicySpec
	GetStatus() *policiesv1.ValidatingPolicyStatus
}

// reconcileValidating loads a ValidatingPolicy or NamespacedValidatingPolicy into the store, as reconcilePolicy
// does for a ClusterPolicy, and writes Kyverno's conditionStatus beside the kstatus conditions.
func (r *Reconciler) reconcileValidating(ctx context.Context, req ctrl.Request, obj validatingObject, kind string) (result ctrl.Result, retErr error) {
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
	compiled, err := r.Loader.CompileValidating(kind, &om, obj.GetSpec())
	if err != nil {
		r.markRefused(obj, ReasonInvalid, err)
		setConditionStatus(obj, false, ReasonInvalid, err.Error())
		log.Info("policy is invalid; the version loaded before stays in force", "reason", err.Error())
		return ctrl.Result{}, nil
	}
	if others := r.Store.OtherSources(ValidatingSourceName, compiled.Key()); len(others) > 0 {
		err := fmt.Errorf("policy %s is also supplied by %v: rename one of them", compiled.Key(), others)
		r.markRefused(obj, ReasonConflict, err)
		setConditionStatus(obj, false, ReasonConflict, err.Error())
		return ctrl.Result{}, nil
	}
	r.Store.SetPolicy(ValidatingSourceName, compiled)
	if unsupported := compiled.Unsupported(); len(unsupported) > 0 {
		msg := engine.DescribeUnsupported(unsupported)
		r.markNotReady(obj, ReasonUnsupported, msg)
		setConditionStatus(obj, false, ReasonUnsupported, msg)
		return ctrl.Result{}, nil
	}
	if configs, err := bylawpolicy.AutogenValidating(obj.GetSpec()); err == nil {
		obj.GetStatus().Autogen = policiesv1.ValidatingPolicyAutogenStatus{Configs: configs}
	}
	revision := r.Store.Snapshot().Revision
	conditions.MarkTrue(obj, meta.ReadyCondition, ReasonLoaded, "loaded %d rules into policy set revision %d", len(compiled.Rules), revision)
	conditions.Delete(obj, meta.StalledCondition)
	conditions.Delete(obj, meta.ReconcilingCondition)
	setConditionStatus(obj, true, ReasonLoaded, fmt.Sprintf("policy loaded into policy set revision %d", revision))
	log.V(1).Info("policy loaded", "rules", len(compiled.Rules))
	return ctrl.Result{}, nil
}

// setConditionStatus writes Kyverno's conditionStatus: ready, and PolicyCached (the policy is in the store Bylaw
// evaluates from).
func setConditionStatus(obj validatingObject, ready bool, reason, msg string) {
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

func setCondition(list *[]metav1.Condition, c metav1.Condition) {
	c.LastTransitionTime = metav1.Now()
	for i := range *list {
		if (*list)[i].Type == c.Type {
			if (*list)[i].Status == c.Status {
				c.LastTransitionTime = (*list)[i].LastTransitionTime
			}
			(*list)[i] = c
			return
		}
	}
	*list = append(*list, c)
}

// reconcileCELException loads a policies.kyverno.io PolicyException into the store, under the same trust rule as
// a bylaw.dev one (--exception-namespaces); one whose expiresAt has passed is dropped, and one that will expire is
// reconciled again at that instant.
func (r *Reconciler) reconcileCELException(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("kind", "PolicyException", "group", policiesv1.GroupName,
		"exception", req.NamespacedName.String())
	key := req.Namespace + "/" + req.Name
	obj := &policiesv1.PolicyException{}
	if err := r.Client.Get(ctx, req.NamespacedName, obj); err != nil {
		if apierrors.IsNotFound(err) {
			r.Store.DeleteException(ValidatingSourceName, key)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, fmt.Errorf("reading PolicyException %s: %w", key, err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		r.Store.DeleteException(ValidatingSourceName, key)
		return ctrl.Result{}, nil
	}
	patcher := patch.NewSerialPatcher(obj, r.Client)
	defer func() {
		if err := r.patchStatus(ctx, patcher, obj); err != nil && retErr == nil {
			retErr = err
		}
	}()
	compiled, reason, err := r.compileCELException(obj, time.Now())
	obj.Status.Expired = reason == ReasonExpired
	if err != nil {
		r.Store.DeleteException(ValidatingSourceName, key)
		r.markRefused(obj, reason, err)
		log.Info("exception not loaded", "reason", reason, "message", err.Error())
		return ctrl.Result{}, nil
	}
	r.Store.SetException(ValidatingSourceName, compiled)
	conditions.MarkTrue(obj, meta.ReadyCondition, ReasonLoaded, "exception loaded into policy set revision %d", r.Store.Snapshot().Revision)
	conditions.Delete(obj, meta.StalledCondition)
	conditions.Delete(obj, meta.ReconcilingCondition)
	if exp := obj.Spec.ExpiresAt; exp != nil {
		return ctrl.Result{RequeueAfter: time.Until(exp.Time) + time.Second}, nil
	}
	return ctrl.Result{}, nil
}

// compileCELException is the gate between a policies.kyverno.io PolicyException and the store: untrusted
// namespace, expiry at now, then compilation. On refusal it returns the condition reason and the error.
func (r *Reconciler) compileCELException(obj *policiesv1.PolicyException, now time.Time) (*engine.Exception, string, error) {
	if err := r.ExceptionNamespaces.check(obj.Namespace, obj.Name); err != nil {
		return nil, ReasonUntrustedNamespace, err
	}
	if exp := obj.Spec.ExpiresAt; exp != nil && !now.Before(exp.Time) {
		return nil, ReasonExpired, fmt.Errorf("PolicyException %s/%s expired at %s", obj.Namespace, obj.Name,
			exp.UTC().Format(time.RFC3339))
	}
	x, err := r.Loader.CompileCELException(obj)
	if err != nil {
		return nil, ReasonInvalid, err
	}
	return x, "", nil
}
