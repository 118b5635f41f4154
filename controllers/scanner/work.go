package scanner

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/go-logr/logr"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
)

// work serves the queue until it shuts down.
func (s *Scanner) work(ctx context.Context) {
	for s.next(ctx) {
	}
}

func (s *Scanner) next(ctx context.Context) bool {
	it, shutdown := s.queue.Get()
	if shutdown {
		return false
	}
	defer s.queue.Done(it)
	if err := s.limiter.Wait(ctx); err != nil {
		return true // shutting down
	}
	if err := s.process(ctx, it); err != nil {
		if ctx.Err() != nil {
			return true
		}
		logr.FromContextOrDiscard(ctx).Error(err, "scan failed; retrying", "resource", it.gvr.String(),
			"namespace", it.namespace, "name", it.name)
		s.Metrics.countError()
		s.queue.AddRateLimited(it)
		return true
	}
	s.queue.Forget(it)
	return true
}

func (s *Scanner) process(ctx context.Context, it item) error {
	s.mu.Lock()
	w, ok := s.watches[it.gvr]
	var t target
	if ok {
		t = w.target
	}
	s.mu.Unlock()
	if !ok || !t.evaluate {
		return nil // the kind left the background policies since
	}
	if !it.scan {
		return s.scanObject(ctx, w, t, it.namespace, it.name)
	}
	err := s.scanKind(ctx, w, t)
	if err == nil || apierrors.IsForbidden(err) {
		// A kind Bylaw may not list is retried, but does not hold back Synced (and the pruning of reports) forever.
		s.initialScanDone(w)
	}
	return err
}

// initialScanDone marks the first scan of w done.
func (s *Scanner) initialScanDone(w *watch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w.initial = false
	s.checkSynced()
}

// scanKind evaluates every object of a kind, a page at a time, then forgets the results of objects of the kind that
// neither the LIST nor the informer holds: deletions that no event reported.
func (s *Scanner) scanKind(ctx context.Context, w *watch, t target) error {
	changed := false
	listed := map[types.UID]bool{}
	opts := metav1.ListOptions{Limit: s.Options.PageSize}
	for {
		list, err := s.Dynamic.Resource(t.gvr).List(ctx, opts)
		if err != nil {
			return fmt.Errorf("listing %s: %w", t.gvr.String(), err)
		}
		for i := range list.Items {
			obj := &list.Items[i]
			listed[obj.GetUID()] = true
			recorded, err := s.record(ctx, w, obj)
			if err != nil { // this object alone is tried again later
				s.queue.AddRateLimited(item{gvr: t.gvr, namespace: obj.GetNamespace(), name: obj.GetName()})
			}
			changed = recorded || changed
		}
		if opts.Continue = list.GetContinue(); opts.Continue == "" {
			break
		}
	}
	if s.Book.Retain(t.gvk.Group, t.gvk.Kind, func(r reports.Resource) bool { return listed[r.UID] || w.holds(r) }) {
		changed = true
	}
	if changed {
		s.changed()
	}
	return nil
}

// scanObject evaluates one object that was created or changed.
func (s *Scanner) scanObject(ctx context.Context, w *watch, t target, namespace, name string) error {
	obj, err := s.Dynamic.Resource(t.gvr).Namespace(namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil // gone: its delete event drops its results
	}
	if err != nil {
		return fmt.Errorf("reading %s %s/%s: %w", t.gvk.Kind, namespace, name, err)
	}
	changed, err := s.record(ctx, w, obj)
	if changed {
		s.changed()
	}
	return err
}

// record evaluates obj and stores its results; it reports whether the book changed.
func (s *Scanner) record(ctx context.Context, w *watch, obj *unstructured.Unstructured) (bool, error) {
	if s.excluded(obj.GetNamespace()) {
		return false, nil
	}
	results, err := s.Evaluate(ctx, s.Store.Snapshot(), obj, w.target.gvr.Resource)
	if err != nil {
		return false, fmt.Errorf("%s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
	}
	res := reports.ResourceOf(obj.Object)
	changed := s.Book.Update(res, results)
	if w.gone(res) {
		// Deleted while it was evaluated: its delete event may have come first.
		changed = s.Book.Delete(res) || changed
	}
	return changed, nil
}

// Evaluate runs the validate rules of every background policy of snap that may match obj, an object of resource
// (the plural name its kind is served as; guessed from the kind when empty), as a scan does, and returns
// what Book.Update takes. Background policies that cannot match obj get a result without rules, which removes results
// they left on it before (a policy that changed its kinds). An error (the labels of obj's namespace are not known
// yet) means nothing was evaluated.
func (s *Scanner) Evaluate(ctx context.Context, snap *policy.Snapshot, obj *unstructured.Unstructured,
	resource string) ([]engine.PolicyResult, error) {
	labels, err := s.namespaceLabels(obj.GetNamespace())
	if err != nil {
		return nil, err
	}
	in := engine.NewInput(engine.Request{Object: obj.Object, NamespaceLabels: labels, Resource: resource})
	candidates := snap.Candidates(obj.GetKind(), resource)
	opts := engine.EvalOptions{Loader: s.Loader, Exceptions: snap.Exceptions}
	out := make([]engine.PolicyResult, 0, len(snap.Policies))
	for _, p := range snap.Policies {
		if !scanned(p) {
			continue
		}
		if !slices.Contains(candidates, p) {
			out = append(out, engine.PolicyResult{Policy: p})
			continue
		}
		ectx, cancel := context.WithTimeout(ctx, cmp.Or(s.Options.EvalTimeout, DefaultEvalTimeout))
		out = append(out, s.Engine.Validate(ectx, p, in, opts))
		cancel()
	}
	s.Metrics.countEvaluation(obj.GetKind())
	return out, nil
}

func (s *Scanner) excluded(namespace string) bool {
	return namespace != "" && slices.Contains(s.Options.Excluded, namespace)
}
