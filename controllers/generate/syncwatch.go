package generate

import (
	"context"
	"fmt"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	toolscache "k8s.io/client-go/tools/cache"
)

// downstreamWatchSync bounds how long a write of a synchronized object waits for the watch of its kind.
const downstreamWatchSync = 30 * time.Second

// DownstreamWatch makes sure the kind of a synchronized object is watched before the object is written, so that a
// deletion or change right after the write is seen. The Syncer implements it.
type DownstreamWatch interface {
	EnsureWatched(ctx context.Context, gvk schema.GroupVersionKind) error
}

var _ DownstreamWatch = (*Syncer)(nil)

// EnsureWatched starts watching the downstream kind gvk, when it is not watched yet, and waits until the watch has
// listed its objects. Kinds known from the policies are watched when a snapshot arrives (WatchKinds); this covers
// kinds known only once generated (a GeneratingPolicy that copies an object it reads), and the moments before a
// new watch has its first list.
func (s *Syncer) EnsureWatched(ctx context.Context, gvk schema.GroupVersionKind) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.watched == nil {
		s.watched = map[schema.GroupVersionKind]bool{}
	}
	if err := s.watch(ctx, gvk); err != nil {
		return err
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	inf, err := s.Cache.GetInformer(ctx, u)
	if err != nil {
		return fmt.Errorf("watching generated %s: %w", gvk.String(), err)
	}
	if inf.HasSynced() {
		return nil
	}
	wait, cancel := context.WithTimeout(ctx, downstreamWatchSync)
	defer cancel()
	if !toolscache.WaitForCacheSync(wait.Done(), inf.HasSynced) {
		return fmt.Errorf("the watch of generated %s has not listed its objects within %s", gvk.String(), downstreamWatchSync)
	}
	return nil
}
