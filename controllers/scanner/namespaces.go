package scanner

import (
	"context"
	"fmt"
	"maps"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/tools/cache"
)

var namespacesResource = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}

// watchNamespaces starts the metadata informer of Namespaces and waits for it: it serves the labels namespaceSelector
// reads, and a change of a namespace's labels queues every object of the namespace again.
func (s *Scanner) watchNamespaces(ctx context.Context) {
	s.namespaces = metadatainformer.NewFilteredMetadataInformer(s.Metadata, namespacesResource, metav1.NamespaceAll, 0,
		cache.Indexers{}, nil).Informer()
	_, _ = s.namespaces.AddEventHandler(cache.ResourceEventHandlerFuncs{
		UpdateFunc: func(oldObj, newObj any) {
			o, okOld := oldObj.(*metav1.PartialObjectMetadata)
			n, okNew := newObj.(*metav1.PartialObjectMetadata)
			if okOld && okNew && !maps.Equal(o.Labels, n.Labels) {
				s.rescanNamespace(n.Name)
			}
		},
	})
	go s.namespaces.RunWithContext(ctx)
	if !cache.WaitForCacheSync(ctx.Done(), s.namespaces.HasSynced) {
		logr.FromContextOrDiscard(ctx).Info("namespace informer not synced before shutdown")
	}
}

// rescanNamespace queues every watched object of a namespace.
func (s *Scanner) rescanNamespace(namespace string) {
	if s.excluded(namespace) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for gvr, w := range s.watches {
		if !w.target.evaluate || !w.target.namespaced {
			continue
		}
		objs, _ := w.informer.GetIndexer().ByIndex(cache.NamespaceIndex, namespace)
		for _, obj := range objs {
			if m, ok := obj.(*metav1.PartialObjectMetadata); ok {
				s.queue.Add(item{gvr: gvr, namespace: m.Namespace, name: m.Name})
			}
		}
	}
}

// namespaceLabels returns the labels of a namespace. A namespace the informer does not know yet is an error, so that
// the object is evaluated again later rather than with no labels; without an informer (Evaluate called outside
// Start) the labels are empty.
func (s *Scanner) namespaceLabels(namespace string) (map[string]string, error) {
	if s.namespaces == nil || namespace == "" {
		return nil, nil
	}
	obj, ok, err := s.namespaces.GetStore().GetByKey(namespace)
	if err != nil || !ok {
		return nil, fmt.Errorf("labels of namespace %s: not known yet", namespace)
	}
	m, ok := obj.(*metav1.PartialObjectMetadata)
	if !ok {
		return nil, fmt.Errorf("labels of namespace %s: unexpected object %T", namespace, obj)
	}
	return m.Labels, nil
}
