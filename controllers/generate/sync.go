package generate

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/util/workqueue"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// syncKey names a trigger whose synchronized downstream changed; the work queue merges repeated changes.
type syncKey struct {
	policy  string
	rule    string
	trigger v1alpha1.GenerateTrigger
}

// Syncer watches the synchronized downstream objects and records a Sync request for the trigger of one that was
// deleted or changed by someone else, so that the request re-creates or reverts it.
type Syncer struct {
	Store    *policy.Store
	Recorder *Recorder
	// Reader reads triggers from the API server.
	Reader client.Reader
	// Cache serves the downstream objects (a cache restricted to Bylaw's labels).
	Cache  cache.Cache
	Mapper meta.RESTMapper
	// FieldOwner is the field manager of Bylaw's applies: changes it made are not drift.
	FieldOwner string

	ctl     controller.TypedController[syncKey]
	mu      sync.Mutex
	watched map[schema.GroupVersionKind]bool
}

// Reconcile records a Sync request when the policy still has the synchronized rule and the trigger still exists.
func (s *Syncer) Reconcile(ctx context.Context, key syncKey) (reconcile.Result, error) {
	p := policyByKey(s.Store.Snapshot(), key.policy)
	if p == nil || !synchronizes(p, key.rule) {
		return reconcile.Result{}, nil
	}
	t := key.trigger
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(schema.FromAPIVersionAndKind(t.APIVersion, t.Kind))
	err := s.Reader.Get(ctx, client.ObjectKey{Namespace: t.Namespace, Name: t.Name}, u)
	if apierrors.IsNotFound(err) || (err == nil && string(u.GetUID()) != t.UID) {
		return reconcile.Result{}, nil // the trigger's own DELETE request cleans up
	}
	if err != nil {
		return reconcile.Result{}, fmt.Errorf("reading trigger %s %s: %w", t.Kind, triggerName(t), err)
	}
	logr.FromContextOrDiscard(ctx).V(1).Info("downstream drifted; recording a sync request", "policy", key.policy,
		"rule", key.rule, "triggerKind", t.Kind, "trigger", triggerName(t))
	return reconcile.Result{}, s.Recorder.Record(ctx, v1alpha1.GenerateRequestSpec{Policy: key.policy, Trigger: t,
		Operation: v1alpha1.GenerateSync})
}

// WatchKinds starts watching the downstream kinds of the synchronized rules in snap that are not watched yet. A kind
// the API server does not serve is skipped (and tried again with the next snapshot).
func (s *Syncer) WatchKinds(ctx context.Context, snap *policy.Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watched == nil {
		s.watched = map[schema.GroupVersionKind]bool{}
	}
	for _, p := range snap.Policies {
		for _, g := range p.GenerateRules() {
			if !g.Synchronize {
				continue
			}
			for _, gvk := range listableKinds(ctx, g) {
				if err := s.watch(ctx, gvk); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (s *Syncer) watch(ctx context.Context, gvk schema.GroupVersionKind) error {
	if s.watched[gvk] {
		return nil
	}
	if _, err := s.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
		logr.FromContextOrDiscard(ctx).Info("generated kind is not served; not watched yet", "apiVersion",
			gvk.GroupVersion().String(), "kind", gvk.Kind, "reason", err.Error())
		return nil
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	src := source.TypedKind[*unstructured.Unstructured, syncKey](s.Cache, u, s.handler())
	if err := s.ctl.Watch(src); err != nil {
		return fmt.Errorf("watching generated %s: %w", gvk.String(), err)
	}
	s.watched[gvk] = true
	return nil
}

// handler enqueues the trigger of a downstream object deleted, or changed by another field manager.
func (s *Syncer) handler() handler.TypedEventHandler[*unstructured.Unstructured, syncKey] {
	enqueue := func(obj *unstructured.Unstructured, q workqueue.TypedRateLimitingInterface[syncKey]) {
		if o, ok := originOf(obj); ok {
			q.Add(syncKey{policy: o.policy, rule: obj.GetLabels()[LabelRule], trigger: o.trigger})
		}
	}
	return handler.TypedFuncs[*unstructured.Unstructured, syncKey]{
		UpdateFunc: func(_ context.Context, e event.TypedUpdateEvent[*unstructured.Unstructured], q workqueue.TypedRateLimitingInterface[syncKey]) {
			if e.ObjectNew.GetDeletionTimestamp() == nil && !s.changedByUs(e.ObjectNew) {
				enqueue(e.ObjectNew, q)
			}
		},
		DeleteFunc: func(_ context.Context, e event.TypedDeleteEvent[*unstructured.Unstructured], q workqueue.TypedRateLimitingInterface[syncKey]) {
			enqueue(e.Object, q)
		},
	}
}

// changedByUs reports whether the latest change of obj is Bylaw's own: its field manager holds the only newest
// managed-fields entry. A tie counts as someone else's change (a Sync request too many does no harm).
func (s *Syncer) changedByUs(obj client.Object) bool {
	var newest time.Time
	ours := false
	for _, mf := range obj.GetManagedFields() {
		if mf.Time == nil {
			continue
		}
		switch t := mf.Time.Time; {
		case t.After(newest):
			newest, ours = t, mf.Manager == s.FieldOwner
		case t.Equal(newest):
			ours = ours && mf.Manager == s.FieldOwner
		}
	}
	return ours
}

func policyByKey(snap *policy.Snapshot, key string) *engine.Policy {
	for _, p := range snap.Policies {
		if p.Key() == key {
			return p
		}
	}
	return nil
}

// synchronizes reports whether p has a synchronized generate rule whose label value is rule.
func synchronizes(p *engine.Policy, rule string) bool {
	for _, g := range p.GenerateRules() {
		if LabelValue(g.Name) == rule {
			return g.Synchronize
		}
	}
	return false
}
