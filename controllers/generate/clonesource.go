package generate

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"
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

// sourceWatch is one watched clone source: the object of a clone, or the objects of one kind of a cloneList that its
// selector selects in its namespace. An empty namespace watches every namespace.
type sourceWatch struct {
	gvk       schema.GroupVersionKind
	namespace string
	name      string // "" for a cloneList
	selector  string // a cloneList's label selector
}

// sourceKey names a changed object of a watched source.
type sourceKey struct {
	watch     sourceWatch
	namespace string
	name      string
}

// SourceWatcher watches the clone and cloneList sources of synchronized generate rules and, when one is created or
// changed, records a Sync request for every trigger that has downstream of the rule, so the copies follow their
// source. Sources whose apiVersion, kind, namespace or name hold variables are not watched. Each watched source has a
// cache of its own, restricted to the source's name or selector, so only the sources themselves are held in memory.
type SourceWatcher struct {
	Store    *policy.Store
	Recorder *Recorder
	// Reader lists downstream objects from the API server.
	Reader client.Reader
	Mapper meta.RESTMapper
	// Config and Scheme build the caches of the watched sources.
	Config *rest.Config
	Scheme *runtime.Scheme

	ctl     controller.TypedController[sourceKey]
	mu      sync.Mutex
	watches map[sourceWatch]context.CancelFunc
}

// Watch makes the watched sources those of the synchronized rules in snap: it starts the watches that are missing
// and stops those no longer needed. ctx bounds the watches it starts. A kind the API server does not serve is skipped
// (and tried again with the next snapshot).
func (s *SourceWatcher) Watch(ctx context.Context, snap *policy.Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watches == nil {
		s.watches = map[sourceWatch]context.CancelFunc{}
	}
	wanted := map[sourceWatch]bool{}
	for _, p := range snap.Policies {
		for _, g := range p.GenerateRules() {
			if !g.Synchronize {
				continue
			}
			for _, cs := range g.CloneSources {
				if w, ok := s.watchOf(ctx, p, g.Name, cs); ok {
					wanted[w] = true
				}
			}
		}
	}
	var errs []error
	for w := range wanted {
		if s.watches[w] == nil {
			errs = append(errs, s.start(ctx, w))
		}
	}
	for w, stop := range s.watches {
		if !wanted[w] {
			stop()
			delete(s.watches, w)
		}
	}
	return errors.Join(errs...)
}

// watchOf returns the watch of a clone source; ok is false when the source holds variables or its kind is not served.
func (s *SourceWatcher) watchOf(ctx context.Context, p *engine.Policy, rule string, cs engine.CloneSource) (sourceWatch, bool) {
	log := logr.FromContextOrDiscard(ctx).WithValues("policy", p.Key(), "rule", rule, "sourceKind", cs.Kind,
		"sourceNamespace", cs.Namespace, "source", cs.Name)
	if cs.HasVariables {
		log.V(1).Info("a clone source with variables is not watched; its copies follow it on policy changes only")
		return sourceWatch{}, false
	}
	gvk, err := s.sourceGVK(cs)
	if err != nil {
		log.Info("clone source kind is not served; not watched yet", "reason", err.Error())
		return sourceWatch{}, false
	}
	w := sourceWatch{gvk: gvk, namespace: cs.Namespace, name: cs.Name}
	if cs.Name == "" && cs.Selector != nil {
		sel, err := metav1.LabelSelectorAsSelector(cs.Selector)
		if err != nil {
			log.Info("cloneList selector is not valid; not watched", "reason", err.Error())
			return sourceWatch{}, false
		}
		w.selector = sel.String()
	}
	return w, true
}

// sourceGVK resolves the kind of a clone source; a cloneList kind without apiVersion gets its preferred version.
func (s *SourceWatcher) sourceGVK(cs engine.CloneSource) (schema.GroupVersionKind, error) {
	if cs.Kind == "" && cs.Resource != "" {
		return resourceGVK(s.Mapper, cs.APIVersion, cs.Resource)
	}
	if cs.APIVersion == "" {
		m, err := s.Mapper.RESTMapping(schema.GroupKind{Kind: cs.Kind})
		if err != nil {
			return schema.GroupVersionKind{}, err
		}
		return m.GroupVersionKind, nil
	}
	gvk := schema.FromAPIVersionAndKind(cs.APIVersion, cs.Kind)
	if _, err := s.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
		return schema.GroupVersionKind{}, err
	}
	return gvk, nil
}

// start builds and starts the cache of one source and feeds its changes to the controller.
func (s *SourceWatcher) start(ctx context.Context, w sourceWatch) error {
	opts := cache.Options{Scheme: s.Scheme, Mapper: s.Mapper}
	if w.namespace != "" {
		opts.DefaultNamespaces = map[string]cache.Config{w.namespace: {}}
	}
	if w.name != "" {
		opts.DefaultFieldSelector = fields.OneTermEqualSelector("metadata.name", w.name)
	}
	if w.selector != "" {
		sel, err := labels.Parse(w.selector)
		if err != nil {
			return fmt.Errorf("parsing the selector of clone source %s %s: %w", w.gvk.Kind, w.describe(), err)
		}
		opts.DefaultLabelSelector = sel
	}
	c, err := cache.New(s.Config, opts)
	if err != nil {
		return fmt.Errorf("creating the cache of clone source %s %s: %w", w.gvk.Kind, w.describe(), err)
	}
	wctx, cancel := context.WithCancel(ctx)
	go func() {
		if err := c.Start(wctx); err != nil {
			logr.FromContextOrDiscard(ctx).Error(err, "clone source cache stopped", "sourceKind", w.gvk.Kind,
				"source", w.describe())
		}
	}()
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(w.gvk)
	if err := s.ctl.Watch(source.TypedKind[*unstructured.Unstructured, sourceKey](c, u, s.handler(w))); err != nil {
		cancel()
		return fmt.Errorf("watching clone source %s %s: %w", w.gvk.Kind, w.describe(), err)
	}
	s.watches[w] = cancel
	logr.FromContextOrDiscard(ctx).V(1).Info("watching clone source", "sourceKind", w.gvk.Kind, "source", w.describe())
	return nil
}

// describe names the source for messages: "namespace/name", or the namespace and selector of a cloneList.
func (w sourceWatch) describe() string {
	if w.name != "" {
		return triggerName(v1alpha1.GenerateTrigger{Namespace: w.namespace, Name: w.name})
	}
	return fmt.Sprintf("in namespace %q selected by %q", w.namespace, w.selector)
}

// handler enqueues a source object that was created (after the initial list) or changed. A deleted source is left
// alone: its copies stay as they are.
func (s *SourceWatcher) handler(w sourceWatch) handler.TypedEventHandler[*unstructured.Unstructured, sourceKey] {
	enqueue := func(obj *unstructured.Unstructured, q workqueue.TypedRateLimitingInterface[sourceKey]) {
		q.Add(sourceKey{watch: w, namespace: obj.GetNamespace(), name: obj.GetName()})
	}
	return handler.TypedFuncs[*unstructured.Unstructured, sourceKey]{
		CreateFunc: func(_ context.Context, e event.TypedCreateEvent[*unstructured.Unstructured], q workqueue.TypedRateLimitingInterface[sourceKey]) {
			if !e.IsInInitialList {
				enqueue(e.Object, q)
			}
		},
		UpdateFunc: func(_ context.Context, e event.TypedUpdateEvent[*unstructured.Unstructured], q workqueue.TypedRateLimitingInterface[sourceKey]) {
			if e.ObjectNew.GetResourceVersion() != e.ObjectOld.GetResourceVersion() {
				enqueue(e.ObjectNew, q)
			}
		},
	}
}

// Reconcile records a Sync request for every trigger of the downstream, of the source's kind, of the synchronized
// rules that clone from the changed source.
func (s *SourceWatcher) Reconcile(ctx context.Context, key sourceKey) (reconcile.Result, error) {
	log := logr.FromContextOrDiscard(ctx).WithValues("sourceKind", key.watch.gvk.Kind, "source",
		triggerName(v1alpha1.GenerateTrigger{Namespace: key.namespace, Name: key.name}))
	ctx = logr.NewContext(ctx, log)
	type target struct {
		policy  string
		trigger v1alpha1.GenerateTrigger
	}
	seen := map[target]bool{}
	var errs []error
	for _, p := range s.Store.Snapshot().Policies {
		for _, g := range p.GenerateRules() {
			if !g.Synchronize || !s.clonesFrom(ctx, p, g, key.watch) {
				continue
			}
			objs, err := listDownstreamOfKind(ctx, s.Reader, p, g.Name, key.watch.gvk)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for i := range objs {
				o, ok := originOf(&objs[i])
				if !ok || o.policy != p.Key() || objs[i].GroupVersionKind().GroupKind() != key.watch.gvk.GroupKind() ||
					seen[target{p.Key(), o.trigger}] {
					continue
				}
				seen[target{p.Key(), o.trigger}] = true
				errs = append(errs, s.Recorder.Record(ctx, v1alpha1.GenerateRequestSpec{Policy: p.Key(),
					Trigger: o.trigger, Operation: v1alpha1.GenerateSync}))
			}
		}
	}
	log.V(1).Info("clone source changed; recorded sync requests", "triggers", len(seen))
	return reconcile.Result{}, errors.Join(errs...)
}

// clonesFrom reports whether rule g of p has the watched source among its clone sources.
func (s *SourceWatcher) clonesFrom(ctx context.Context, p *engine.Policy, g engine.GenerateRule, w sourceWatch) bool {
	for _, cs := range g.CloneSources {
		if got, ok := s.watchOf(ctx, p, g.Name, cs); ok && got == w {
			return true
		}
	}
	return false
}
