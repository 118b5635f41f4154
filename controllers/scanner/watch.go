package scanner

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/tools/cache"

	"github.com/bylaw-dev/bylaw/reports"
)

// watch is the metadata-only informer of one kind.
type watch struct {
	target   target
	informer cache.SharedIndexInformer
	cancel   context.CancelFunc
	// initial is true until the first scan of a kind watched at start is done.
	initial bool
}

// watch starts the informer of t. Objects listed when it starts are not queued one by one: a scan of the kind
// follows once the informer has synced, so that every object is either in that scan's LIST or in a later event.
// initial marks a kind watched at start, whose first scan decides Synced. Called with mu held.
func (s *Scanner) watch(ctx context.Context, t target, initial bool) {
	inf := metadatainformer.NewFilteredMetadataInformer(s.Metadata, t.gvr, metav1.NamespaceAll, 0,
		cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc}, nil).Informer()
	_ = inf.SetWatchErrorHandlerWithContext(func(ctx context.Context, r *cache.Reflector, err error) {
		if apierrors.IsForbidden(err) {
			// Never syncs: its first scan must not hold back Synced. The kind scan reports the error and retries.
			s.initialScanDone(s.watchOf(t.gvr))
		}
		cache.DefaultWatchErrorHandler(ctx, r, err)
	})
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerDetailedFuncs{
		AddFunc: func(obj any, initialList bool) {
			if !initialList {
				s.enqueue(t, obj)
			}
		},
		UpdateFunc: func(oldObj, newObj any) {
			o, okOld := oldObj.(*metav1.PartialObjectMetadata)
			n, okNew := newObj.(*metav1.PartialObjectMetadata)
			if !okOld || !okNew || o.ResourceVersion != n.ResourceVersion {
				s.enqueue(t, newObj)
			}
		},
		DeleteFunc: func(obj any) { s.forget(t, obj) },
	})
	wctx, cancel := context.WithCancel(ctx)
	go inf.RunWithContext(wctx)
	s.watches[t.gvr] = &watch{target: t, informer: inf, cancel: cancel, initial: initial && t.evaluate}
	go func() {
		if cache.WaitForCacheSync(wctx.Done(), inf.HasSynced) && t.evaluate {
			s.queue.Add(item{gvr: t.gvr, scan: true})
		}
	}()
}

func (s *Scanner) enqueue(t target, obj any) {
	m, ok := obj.(*metav1.PartialObjectMetadata)
	if !ok || s.excluded(m.Namespace) || !s.evaluates(t.gvr) {
		return
	}
	s.queue.Add(item{gvr: t.gvr, namespace: m.Namespace, name: m.Name})
}

// watchOf returns the watch of gvr, or a detached one when it is gone.
func (s *Scanner) watchOf(gvr schema.GroupVersionResource) *watch {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.watches[gvr]; ok {
		return w
	}
	return &watch{}
}

// evaluates reports whether the objects of a kind are evaluated (not only watched for deletions).
func (s *Scanner) evaluates(gvr schema.GroupVersionResource) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.watches[gvr]
	return ok && w.target.evaluate
}

// forget drops the results of a deleted object at once.
func (s *Scanner) forget(t target, obj any) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	m, ok := obj.(*metav1.PartialObjectMetadata)
	if !ok {
		return
	}
	if s.Book.Delete(resourceOf(t, m)) {
		s.changed()
	}
}

// forgetAll drops the results of every object the informer knows and reports whether any was dropped.
func (w *watch) forgetAll(book *reports.Book) bool {
	dropped := false
	for _, obj := range w.informer.GetStore().List() {
		if m, ok := obj.(*metav1.PartialObjectMetadata); ok {
			dropped = book.Delete(resourceOf(w.target, m)) || dropped
		}
	}
	return dropped
}

// gone reports whether the informer, once synced, no longer holds the object (by UID: one deleted and created again
// under the same name is gone too).
func (w *watch) gone(r reports.Resource) bool {
	return w.informer.HasSynced() && !w.holds(r)
}

// holds reports whether the informer holds the object, by namespace, name and UID.
func (w *watch) holds(r reports.Resource) bool {
	key := r.Name
	if r.Namespace != "" {
		key = r.Namespace + "/" + r.Name
	}
	obj, ok, err := w.informer.GetStore().GetByKey(key)
	if err != nil || !ok {
		return false
	}
	m, isMeta := obj.(*metav1.PartialObjectMetadata)
	return isMeta && m.UID == r.UID
}

func resourceOf(t target, m *metav1.PartialObjectMetadata) reports.Resource {
	return reports.Resource{APIVersion: t.gvk.GroupVersion().String(), Kind: t.gvk.Kind,
		Namespace: m.Namespace, Name: m.Name, UID: m.UID}
}

func (s *Scanner) stopWatches() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for gvr, w := range s.watches {
		w.cancel()
		delete(s.watches, gvr)
	}
}
