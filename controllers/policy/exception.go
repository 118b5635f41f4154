package policy

import (
	"context"
	"fmt"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/runtime/conditions"
	"github.com/fluxcd/pkg/runtime/patch"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// reconcileException loads a PolicyException into the store.
func (r *Reconciler) reconcileException(ctx context.Context, req ctrl.Request) (result ctrl.Result, retErr error) {
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
	compiled, err := r.Loader.CompileException(obj)
	if err != nil {
		r.Store.DeleteException(SourceName, key)
		conditions.MarkFalse(obj, meta.ReadyCondition, ReasonInvalid, "%s", err.Error())
		conditions.MarkStalled(obj, ReasonInvalid, "%s", err.Error())
		return ctrl.Result{}, nil
	}
	r.Store.SetException(SourceName, compiled)
	conditions.MarkTrue(obj, meta.ReadyCondition, ReasonLoaded, "exception loaded into policy set revision %d", r.Store.Snapshot().Revision)
	conditions.Delete(obj, meta.StalledCondition)
	return ctrl.Result{}, nil
}
