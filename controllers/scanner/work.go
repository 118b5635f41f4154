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
	if it.scan {
		if err := s.scanKind(ctx, w, t); err != nil {
			return err
		}
		s.mu.Lock()
		w.initial = false
		s.checkSynced()
		s.mu.Unlock()
		return nil
	}
	return s.scanObject(ctx, w, t, it.namespace, it.name)
}

// scanKind evaluates every object of a kind, a page at a time.
func (s *Scanner) scanKind(ctx context.Context, w *watch, t target) error {
	changed := false
	opts := metav1.ListOptions{Limit: s.Options.PageSize}
	for {
		list, err := s.Dynamic.Resource(t.gvr).List(ctx, opts)
		if err != nil {
			return fmt.Errorf("listing %s: %w", t.gvr.String(), err)
		}
		for i := range list.Items {
			changed = s.record(ctx, w, &list.Items[i]) || changed
		}
		if opts.Continue = list.GetContinue(); opts.Continue == "" {
			break
		}
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
	if s.record(ctx, w, obj) {
		s.changed()
	}
	return nil
}

// record evaluates obj and stores its results; it reports whether the book changed.
func (s *Scanner) record(ctx context.Context, w *watch, obj *unstructured.Unstructured) bool {
	if s.excluded(obj.GetNamespace()) {
		return false
	}
	res := reports.ResourceOf(obj.Object)
	changed := s.Book.Update(res, s.Evaluate(ctx, s.Store.Snapshot(), obj))
	if !w.exists(obj.GetNamespace(), obj.GetName()) {
		// Deleted while it was evaluated: its delete event may have come first.
		changed = s.Book.Delete(res) || changed
	}
	return changed
}

// Evaluate runs the validate rules of every background policy of snap that may match obj, as a scan does, and returns
// what Book.Update takes. Background policies that cannot match obj get a result without rules, which removes results
// they left on it before (a policy that changed its kinds).
func (s *Scanner) Evaluate(ctx context.Context, snap *policy.Snapshot, obj *unstructured.Unstructured) []engine.PolicyResult {
	req := engine.Request{Object: obj.Object}
	if ns := obj.GetNamespace(); ns != "" && s.Namespaces != nil {
		labels, err := s.Namespaces.NamespaceLabels(ctx, ns)
		if err != nil {
			logr.FromContextOrDiscard(ctx).V(1).Info("namespace labels unavailable", "namespace", ns, "error", err.Error())
		}
		req.NamespaceLabels = labels
	}
	in := engine.NewInput(req)
	candidates := snap.Candidates(obj.GetKind())
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
	return out
}

func (s *Scanner) excluded(namespace string) bool {
	return namespace != "" && slices.Contains(s.Options.Excluded, namespace)
}
