package policy

import (
	"context"
	"fmt"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/fluxcd/pkg/runtime/patch"
	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

// reconcileException loads a PolicyException into the store, if it is in a trusted namespace and compiles.
func (r *Reconciler) reconcileException(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("kind", "PolicyException", "exception", req.NamespacedName.String())
	key := req.Namespace + "/" + req.Name
	obj := &v1alpha1.PolicyException{}
	if err := r.Client.Get(ctx, req.NamespacedName, obj); err != nil {
		if apierrors.IsNotFound(err) {
			r.Store.DeleteException(SourceName, key)
			return ctrl.Result{}, nil
		}
		return ctrl.Result{}, fmt.Errorf("reading PolicyException %s: %w", key, err)
	}
	if !obj.DeletionTimestamp.IsZero() {
		r.Store.DeleteException(SourceName, key)
		return ctrl.Result{}, nil
	}
	patcher := patch.NewSerialPatcher(obj, r.Client)
	defer func() {
		if err := r.patchStatus(ctx, patcher, obj); err != nil && retErr == nil {
			retErr = err
		}
	}()
	compiled, reason, err := r.compileException(obj)
	if err != nil {
		r.Store.DeleteException(SourceName, key)
		r.markRefused(obj, reason, err)
		log.Info("exception not loaded", "reason", reason, "message", err.Error())
		return ctrl.Result{}, nil
	}
	r.Store.SetException(SourceName, compiled)
	conditions.MarkTrue(obj, meta.ReadyCondition, ReasonLoaded, "exception loaded into policy set revision %d", r.Store.Snapshot().Revision)
	conditions.Delete(obj, meta.StalledCondition)
	conditions.Delete(obj, meta.ReconcilingCondition)
	return ctrl.Result{}, nil
}

// compileException is the one gate between a PolicyException object and the store, for the initial load and every
// reconcile: an exception from a namespace that is not trusted is refused before it is compiled. On refusal it
// returns the condition reason and the error that says why.
func (r *Reconciler) compileException(obj *v1alpha1.PolicyException) (*engine.Exception, string, error) {
	if err := r.ExceptionNamespaces.check(obj.Namespace, obj.Name); err != nil {
		return nil, ReasonUntrustedNamespace, err
	}
	x, err := r.Loader.CompileException(obj)
	if err != nil {
		return nil, ReasonInvalid, err
	}
	return x, "", nil
}
