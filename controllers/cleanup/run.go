package cleanup

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/engine"
)

// stats is what one run of a policy did.
type stats struct {
	listed, deleted int
	// errs are the failures (listing, evaluation, deletion), denied the permissions Bylaw lacks.
	errs   []error
	denied []string
}

func (s *stats) fail(err error) { s.errs = append(s.errs, err) }

// runCtx is the state of one run of one policy.
type runCtx struct {
	policy     *engine.Policy
	cleanup    *engine.Cleanup
	exceptions []*engine.Exception
	// namespaces caches namespace labels for namespaceSelector.
	namespaces map[string]map[string]string
	stats      stats
}

// run runs p once: every target is listed and every object the engine passes is deleted. The result goes to the
// policy's status, events and metrics.
func (c *Controller) run(ctx context.Context, p *engine.Policy, exceptions []*engine.Exception) {
	start := c.now()
	r := &runCtx{policy: p, cleanup: p.Cleanup(), exceptions: exceptions, namespaces: map[string]map[string]string{}}
	for _, t := range r.cleanup.Targets {
		mappings, err := c.resolve(t)
		if err != nil {
			r.stats.fail(err)
		}
		for _, m := range mappings {
			if t.Namespace != "" && m.Scope.Name() == meta.RESTScopeNameRoot {
				continue // a namespaced policy never lists cluster-scoped objects
			}
			if denied := c.denied(ctx, m.Resource, t.Namespace); len(denied) > 0 {
				r.stats.denied = append(r.stats.denied, denied...)
				continue
			}
			c.listAndDelete(ctx, r, m, t)
		}
	}
	c.report(ctx, p, start, &r.stats)
}

// resolve maps a target's groups, versions and resources to the resources served: a wildcard group or version
// takes every group serving the resource at its preferred version. A resource wildcard or a subresource cannot be
// listed and is an error.
func (c *Controller) resolve(t engine.CleanupTarget) ([]*meta.RESTMapping, error) {
	var out []*meta.RESTMapping
	var errs []error
	seen := map[schema.GroupResource]bool{}
	for _, res := range t.Resources {
		if strings.Contains(res, "*") || strings.Contains(res, "/") {
			errs = append(errs, fmt.Errorf("resource %q: the cleanup controller lists named resources only", res))
			continue
		}
		for _, group := range t.Groups {
			gvrs, err := c.versionsOf(group, res, t.Versions)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			for _, gvr := range gvrs {
				if seen[gvr.GroupResource()] {
					continue // one version of a resource lists every object
				}
				m, err := c.mappingOf(gvr)
				if err != nil {
					errs = append(errs, err)
					continue
				}
				seen[gvr.GroupResource()] = true
				out = append(out, m)
			}
		}
	}
	return out, errors.Join(errs...)
}

// versionsOf returns the served versions of group/resource the versions name, preferred first.
func (c *Controller) versionsOf(group, res string, versions []string) ([]schema.GroupVersionResource, error) {
	partial := schema.GroupVersionResource{Group: group, Resource: res}
	if group == "*" {
		partial.Group = ""
	}
	all, err := c.Mapper.ResourcesFor(partial)
	if err != nil {
		return nil, fmt.Errorf("resource %s: %w", partial.GroupResource(), err)
	}
	var out []schema.GroupVersionResource
	for _, gvr := range all {
		if (group == "*" || gvr.Group == group) && (slices.Contains(versions, "*") || slices.Contains(versions, gvr.Version)) {
			out = append(out, gvr)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("resource %s: no served version among %v", partial.GroupResource(), versions)
	}
	return out, nil
}

func (c *Controller) mappingOf(gvr schema.GroupVersionResource) (*meta.RESTMapping, error) {
	gvk, err := c.Mapper.KindFor(gvr)
	if err != nil {
		return nil, fmt.Errorf("resource %s: %w", gvr, err)
	}
	m, err := c.Mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return nil, fmt.Errorf("resource %s: %w", gvr, err)
	}
	return m, nil
}

// listAndDelete lists one resource of a target page by page and deletes what the policy passes.
func (c *Controller) listAndDelete(ctx context.Context, r *runCtx, m *meta.RESTMapping, t engine.CleanupTarget) {
	res := c.Dynamic.Resource(m.Resource).Namespace(t.Namespace)
	opts := metav1.ListOptions{Limit: c.Options.PageSize}
	for {
		list, err := res.List(ctx, opts)
		if err != nil {
			r.stats.fail(fmt.Errorf("listing %s: %w", m.Resource.GroupResource(), err))
			return
		}
		for i := range list.Items {
			if ctx.Err() != nil {
				return
			}
			c.consider(ctx, r, m, &list.Items[i], t)
		}
		if opts.Continue = list.GetContinue(); opts.Continue == "" {
			return
		}
	}
}

// consider evaluates one object and deletes it when the policy passes it.
func (c *Controller) consider(ctx context.Context, r *runCtx, m *meta.RESTMapping, obj *unstructured.Unstructured, t engine.CleanupTarget) {
	if c.protected(r.cleanup, m, obj) || (len(t.Names) > 0 && !slices.Contains(t.Names, obj.GetName())) {
		return
	}
	r.stats.listed++
	in, err := c.input(ctx, r, m, obj)
	if err != nil {
		r.stats.fail(err)
		return
	}
	evalCtx, cancel := context.WithTimeout(ctx, c.Options.EvalTimeout)
	res := c.Engine.Cleanup(evalCtx, r.policy, in, engine.EvalOptions{Loader: c.Loader, Exceptions: r.exceptions})
	cancel()
	for _, rr := range res.Rules {
		switch rr.Status {
		case engine.StatusPass:
			c.delete(ctx, r, m, obj)
			return
		case engine.StatusError:
			r.stats.fail(fmt.Errorf("%s %s: %s", m.GroupVersionKind.Kind, objectKey(obj), rr.Message))
		}
	}
}

// protected reports whether obj is in Bylaw's own namespace (or is that namespace) and the policy does not name it.
func (c *Controller) protected(cl *engine.Cleanup, m *meta.RESTMapping, obj *unstructured.Unstructured) bool {
	own := c.Options.Namespace
	if own == "" || cl.NamesNamespace(own) {
		return false
	}
	isOwnNamespace := m.Resource.Group == "" && m.Resource.Resource == "namespaces" && obj.GetName() == own
	return obj.GetNamespace() == own || isOwnNamespace
}

// input prepares obj for the engine, with its namespace's labels.
func (c *Controller) input(ctx context.Context, r *runCtx, m *meta.RESTMapping, obj *unstructured.Unstructured) (*engine.Input, error) {
	gvk := m.GroupVersionKind
	req := engine.Request{Object: obj.Object, Resource: m.Resource.Resource,
		Kind: &engine.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}}
	if ns := obj.GetNamespace(); ns != "" {
		labels, ok := r.namespaces[ns]
		if !ok {
			var n corev1.Namespace
			if err := c.Client.Get(ctx, client.ObjectKey{Name: ns}, &n); err != nil && !apierrors.IsNotFound(err) {
				return nil, fmt.Errorf("reading namespace %s: %w", ns, err)
			}
			labels = n.Labels
			r.namespaces[ns] = labels
		}
		req.NamespaceLabels = labels
	}
	return engine.NewInput(req), nil
}

// delete deletes obj at the controller's rate, only if it is still the object evaluated (UID and resourceVersion
// preconditions). An object gone or changed since is left alone.
func (c *Controller) delete(ctx context.Context, r *runCtx, m *meta.RESTMapping, obj *unstructured.Unstructured) {
	if err := c.limiter.Wait(ctx); err != nil {
		return
	}
	uid, rv := obj.GetUID(), obj.GetResourceVersion()
	opts := metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid, ResourceVersion: &rv}}
	if p := r.cleanup.Propagation; p != "" {
		pp := metav1.DeletionPropagation(p)
		opts.PropagationPolicy = &pp
	}
	err := c.Dynamic.Resource(m.Resource).Namespace(obj.GetNamespace()).Delete(ctx, obj.GetName(), opts)
	log := logr.FromContextOrDiscard(ctx)
	switch {
	case err == nil:
		r.stats.deleted++
		c.Metrics.countDeleted(r.policy.Key())
		c.objectEvent(obj, r.policy)
		log.V(1).Info("deleted", "policy", r.policy.Key(), "kind", m.GroupVersionKind.Kind, "object", objectKey(obj))
	case apierrors.IsNotFound(err) || apierrors.IsConflict(err):
		log.V(1).Info("not deleted: gone or changed since evaluated", "object", objectKey(obj), "reason", err.Error())
	case apierrors.IsForbidden(err):
		r.stats.denied = append(r.stats.denied, "delete "+m.Resource.GroupResource().String()+" in "+namespaceOrAll(obj.GetNamespace()))
	default:
		r.stats.fail(fmt.Errorf("deleting %s %s: %w", m.GroupVersionKind.Kind, objectKey(obj), err))
	}
}

func objectKey(obj *unstructured.Unstructured) string {
	if obj.GetNamespace() == "" {
		return obj.GetName()
	}
	return obj.GetNamespace() + "/" + obj.GetName()
}

func namespaceOrAll(ns string) string {
	if ns == "" {
		return "all namespaces"
	}
	return "namespace " + ns
}
