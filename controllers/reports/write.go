package reports

import (
	"context"
	"fmt"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/reports"
)

// work writes queued namespaces until the queue shuts down.
func (w *Writer) work(ctx context.Context) {
	for w.next(ctx) {
	}
}

// next writes the next queued namespace; it returns false when the queue shut down.
func (w *Writer) next(ctx context.Context) bool {
	ns, shutdown := w.queue.Get()
	if shutdown {
		return false
	}
	defer w.queue.Done(ns)
	w.handle(ctx, ns)
	return true
}

// handle writes the report of ns and decides what a failure means: a retry with backoff, or nothing more for a
// namespace that is terminating.
func (w *Writer) handle(ctx context.Context, ns string) {
	log := logr.FromContextOrDiscard(ctx).WithValues(logNamespace, ns, logKind, w.kind(ns))
	err := w.sync(logr.NewContext(ctx, log), ns)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return // stopping: the next leader starts from what is on the API server
	case terminating(err):
		log.Info("the namespace is terminating: its report goes with it", "error", err.Error())
	default:
		w.queue.AddRateLimited(ns)
		w.setRetrying(ns, true)
		log.Error(err, "writing the policy report failed, retrying", "retries", w.queue.NumRequeues(ns))
		return
	}
	w.queue.Forget(ns)
	w.setRetrying(ns, false)
}

// sync makes the report of ns on the API server match the Book: applied when its content changed, deleted when it
// has no results left, untouched otherwise.
func (w *Writer) sync(ctx context.Context, ns string) error {
	rep, err := w.book.Report(ns)
	if err != nil {
		return fmt.Errorf("building the report of namespace %q: %w", ns, err)
	}
	hash, exists := w.lastWritten(ns)
	switch {
	case rep.Empty() && !exists:
		return nil
	case rep.Empty():
		return w.delete(ctx, ns)
	case exists && hash == rep.Hash:
		w.metrics.countSkipped()
		return nil
	default:
		return w.apply(ctx, ns, rep)
	}
}

// apply writes rep with server-side apply, within the write rate.
func (w *Writer) apply(ctx context.Context, ns string, rep reports.Report) error {
	u, err := unstructuredOf(rep.Object)
	if err != nil {
		return fmt.Errorf("converting the %s of namespace %q: %w", w.kind(ns), ns, err)
	}
	if err := w.limiter.Wait(ctx); err != nil {
		return fmt.Errorf("waiting to write the %s of namespace %q: %w", w.kind(ns), ns, err)
	}
	err = w.client.Apply(ctx, client.ApplyConfigurationFromUnstructured(u), client.FieldOwner(FieldOwner),
		client.ForceOwnership)
	if err != nil {
		w.remember(ns, "") // the write may have happened: the report may exist with unknown content
		w.metrics.countError("apply")
		return fmt.Errorf("applying %s %s of namespace %q: %w", w.kind(ns), nameOf(ns), ns, err)
	}
	w.remember(ns, rep.Hash)
	w.metrics.countWrite(w.kind(ns), rep.Size)
	logr.FromContextOrDiscard(ctx).V(1).Info("wrote the policy report", "hash", rep.Hash, "bytes", rep.Size,
		"results", rep.Summary.Total(), "dropped", rep.Dropped)
	return nil
}

// delete deletes the report of ns, within the write rate; a report already gone is deleted.
func (w *Writer) delete(ctx context.Context, ns string) error {
	deleted, err := w.deleteReport(ctx, w.book.API(), ns)
	if err != nil {
		return err
	}
	w.forgetWritten(ns)
	if deleted {
		logr.FromContextOrDiscard(ctx).V(1).Info("deleted the policy report: no results left")
	}
	return nil
}

// deleteReport deletes the report of ns in api, within the write rate, and reports whether it was there.
func (w *Writer) deleteReport(ctx context.Context, api reports.API, ns string) (bool, error) {
	gvk := api.GroupVersionKind(ns)
	if err := w.limiter.Wait(ctx); err != nil {
		return false, fmt.Errorf("waiting to delete the %s of namespace %q: %w", gvk.Kind, ns, err)
	}
	obj := &metav1.PartialObjectMetadata{}
	obj.SetGroupVersionKind(gvk)
	obj.SetNamespace(ns)
	obj.SetName(nameOf(ns))
	err := w.client.Delete(ctx, obj)
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		w.metrics.countError("delete")
		return false, fmt.Errorf("deleting %s %s of namespace %q: %w", gvk, nameOf(ns), ns, err)
	}
	w.metrics.countDelete(gvk.Kind)
	return true, nil
}

// kind returns the kind of the report of ns in the Book's API.
func (w *Writer) kind(ns string) string { return w.book.API().Kind(ns) }

// unstructuredOf converts a report to the unstructured form of an apply configuration.
func unstructuredOf(obj reports.Object) (*unstructured.Unstructured, error) {
	content, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: content}, nil
}

// terminating reports whether err says that the namespace is being deleted: its objects go with it.
func terminating(err error) bool {
	return apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause)
}

// lastWritten returns the hash of the report of ns on the API server and whether one may exist.
func (w *Writer) lastWritten(ns string) (hash string, exists bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	hash, exists = w.written[ns]
	return hash, exists
}

// remember records that the report of ns on the API server has hash ("" when unknown).
func (w *Writer) remember(ns, hash string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.written[ns] = hash
}

// forgetWritten records that ns has no report on the API server.
func (w *Writer) forgetWritten(ns string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	delete(w.written, ns)
}

// setRetrying records whether ns waits for a retry.
func (w *Writer) setRetrying(ns string, retrying bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if retrying {
		w.retrying[ns] = struct{}{}
	} else {
		delete(w.retrying, ns)
	}
	w.metrics.setRetrying(len(w.retrying))
}
