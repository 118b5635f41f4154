package cleanup

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/util/retry"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine"
)

// Event reasons.
const (
	ReasonDeleted          = "Deleted"
	ReasonCleanupRun       = "CleanupRun"
	ReasonCleanupFailed    = "CleanupFailed"
	ReasonPermissionDenied = "PermissionDenied"
	eventAction            = "Cleanup"
	// maxReported bounds the failures an event or condition names.
	maxReported = 3
)

// deletingObject is a DeletingPolicy or a NamespacedDeletingPolicy.
type deletingObject interface {
	client.Object
	GetStatus() *policiesv1.DeletingPolicyStatus
}

// policyObject returns the custom resource p was loaded from, or nil for a policy from a bundle (or one gone).
func (c *Controller) policyObject(ctx context.Context, p *engine.Policy) deletingObject {
	if p.Provenance.Source != "" || c.Client == nil {
		return nil
	}
	var obj deletingObject
	switch p.Kind {
	case policiesv1.DeletingPolicyKind:
		obj = &policiesv1.DeletingPolicy{}
	case policiesv1.NamespacedDeletingPolicyKind:
		obj = &policiesv1.NamespacedDeletingPolicy{}
	default:
		return nil
	}
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: p.Name}, obj); err != nil {
		if !apierrors.IsNotFound(err) {
			logr.FromContextOrDiscard(ctx).Error(err, "reading the policy object", "policy", p.Key())
		}
		return nil
	}
	return obj
}

// lastRun returns the last run recorded in the policy's status, else its creation; ok false without an object.
func (c *Controller) lastRun(ctx context.Context, p *engine.Policy) (time.Time, bool) {
	obj := c.policyObject(ctx, p)
	if obj == nil {
		return time.Time{}, false
	}
	if t := obj.GetStatus().LastExecutionTime; !t.IsZero() {
		return t.Time, true
	}
	return obj.GetCreationTimestamp().Time, true
}

// report records a run: metrics, a log line, events on the policy and, for a custom resource, the status.
func (c *Controller) report(ctx context.Context, p *engine.Policy, start time.Time, s *stats) {
	key := p.Key()
	c.Metrics.setLastRun(key, start)
	c.Metrics.countErrors(key, len(s.errs)+len(s.denied))
	log := logr.FromContextOrDiscard(ctx).WithValues("policy", key, "kind", p.Kind)
	log.Info("cleanup run", "considered", s.listed, "deleted", s.deleted, "errors", len(s.errs), "denied", s.denied)
	obj := c.policyObject(ctx, p)
	if obj == nil {
		return
	}
	if len(s.denied) > 0 {
		c.policyEvent(obj, corev1.EventTypeWarning, ReasonPermissionDenied, permissionMessage(s.denied))
	}
	if len(s.errs) > 0 {
		c.policyEvent(obj, corev1.EventTypeWarning, ReasonCleanupFailed,
			fmt.Sprintf("%d failures, first: %s", len(s.errs), firstErrors(s.errs)))
	}
	if s.deleted > 0 {
		c.policyEvent(obj, corev1.EventTypeNormal, ReasonCleanupRun,
			fmt.Sprintf("deleted %d of %d objects considered", s.deleted, s.listed))
	}
	if err := c.patchStatus(ctx, obj, start, s.denied); err != nil {
		log.Error(err, "writing the policy status")
	}
}

// permissionMessage says which rights are missing and how to grant them.
func permissionMessage(denied []string) string {
	return "Bylaw may not " + strings.Join(denied[:min(len(denied), maxReported)], "; ") +
		": grant the rights through a ClusterRole labelled rbac.bylaw.dev/aggregate-to-cleanup=true; those objects were not considered"
}

func firstErrors(errs []error) string {
	parts := make([]string, 0, maxReported)
	for _, err := range errs[:min(len(errs), maxReported)] {
		parts = append(parts, err.Error())
	}
	return strings.Join(parts, "; ")
}

// patchStatus writes lastExecutionTime and Kyverno's RBACPermissionsGranted condition.
func (c *Controller) patchStatus(ctx context.Context, obj deletingObject, start time.Time, denied []string) error {
	cond := metav1.Condition{Type: policiesv1.ConditionRBACPermissionsGranted, Status: metav1.ConditionTrue,
		Reason: "Granted", Message: "Bylaw may list and delete every resource the policy names"}
	if len(denied) > 0 {
		cond.Status, cond.Reason, cond.Message = metav1.ConditionFalse, ReasonPermissionDenied, permissionMessage(denied)
	}
	return retry.RetryOnConflict(retry.DefaultRetry, func() error {
		if err := c.Client.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			return client.IgnoreNotFound(err)
		}
		orig, ok := obj.DeepCopyObject().(client.Object)
		if !ok {
			return fmt.Errorf("copying %s", obj.GetName())
		}
		st := obj.GetStatus()
		st.LastExecutionTime = metav1.NewTime(start)
		cond.ObservedGeneration = obj.GetGeneration()
		apimeta.SetStatusCondition(&st.ConditionStatus.Conditions, cond)
		patch := client.MergeFromWithOptions(orig, client.MergeFromWithOptimisticLock{})
		return client.IgnoreNotFound(c.Client.Status().Patch(ctx, obj, patch))
	})
}

func (c *Controller) policyEvent(obj deletingObject, eventType, reason, msg string) {
	if c.Events != nil {
		c.Events.Eventf(obj, nil, eventType, reason, eventAction, "%s", msg)
	}
}

// objectEvent records the deletion on the deleted object.
func (c *Controller) objectEvent(obj *unstructured.Unstructured, p *engine.Policy) {
	if c.Events != nil {
		c.Events.Eventf(obj, nil, corev1.EventTypeNormal, ReasonDeleted, eventAction, "deleted by %s %s", p.Kind, p.Key())
	}
}
