package generate

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-logr/logr"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// ExistingLister finds the existing triggers of a policy's generate rules (generateExisting) and records an
// Existing request for each.
type ExistingLister struct {
	// Reader lists triggers and reads namespaces from the API server.
	Reader   client.Reader
	Mapper   meta.RESTMapper
	Recorder *Recorder
}

// Record records one Existing request per existing object that a generate rule of p with generateExisting selects.
// The request runs every generate rule of p that selects the object.
func (l *ExistingLister) Record(ctx context.Context, p *engine.Policy) error {
	log := logr.FromContextOrDiscard(ctx).WithValues("policy", p.Key())
	seen := map[types.UID]bool{}
	labels := namespaceLabelCache{reader: l.Reader, labels: map[string]map[string]string{}}
	var errs []error
	for _, r := range p.GenerateExistingRules() {
		for _, rr := range r.Scope.Resources {
			mappings, warnings, err := resourceMappings(l.Mapper, rr)
			for _, w := range warnings {
				log.Info("generateExisting skips a resource", "rule", r.Name, "reason", w)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("policy %s rule %s: %w", p.Key(), r.Name, err))
			}
			for _, m := range mappings {
				errs = append(errs, l.recordKind(ctx, p, r, m, &labels, seen))
			}
		}
		for _, sel := range r.Scope.Selectors() {
			mappings, warning, err := registration.Mappings(l.Mapper, sel)
			if warning != "" {
				log.Info("generateExisting skips a kind", "rule", r.Name, "reason", warning)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("policy %s rule %s: %w", p.Key(), r.Name, err))
				continue
			}
			for _, m := range mappings {
				errs = append(errs, l.recordKind(ctx, p, r, m, &labels, seen))
			}
		}
	}
	return errors.Join(errs...)
}

// recordKind lists the objects of one kind (in the policy's namespace for a Policy) and records a request for each
// one the rule selects.
func (l *ExistingLister) recordKind(ctx context.Context, p *engine.Policy, r *engine.Rule, m *meta.RESTMapping,
	labels *namespaceLabelCache, seen map[types.UID]bool) error {
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(m.GroupVersionKind.GroupVersion().WithKind(m.GroupVersionKind.Kind + "List"))
	if err := l.Reader.List(ctx, list, client.InNamespace(p.Namespace)); err != nil {
		return fmt.Errorf("listing %s for generateExisting of policy %s: %w", m.GroupVersionKind.Kind, p.Key(), err)
	}
	var errs []error
	for i := range list.Items {
		u := &list.Items[i]
		if seen[u.GetUID()] || u.GetDeletionTimestamp() != nil {
			continue
		}
		nsLabels, err := labels.get(ctx, u.GetNamespace())
		if err != nil {
			errs = append(errs, err)
			continue
		}
		in := engine.NewInput(engine.Request{Object: u.Object, NamespaceLabels: nsLabels})
		if !r.Selects(in) {
			continue
		}
		seen[u.GetUID()] = true
		t := v1alpha1.GenerateTrigger{APIVersion: u.GetAPIVersion(), Kind: u.GetKind(), Namespace: u.GetNamespace(),
			Name: u.GetName(), UID: string(u.GetUID())}
		errs = append(errs, l.Recorder.Record(ctx, v1alpha1.GenerateRequestSpec{Policy: p.Key(), Trigger: t,
			Operation: v1alpha1.GenerateExistingTrigger}))
	}
	return errors.Join(errs...)
}

// namespaceLabelCache reads the labels of each namespace once per run.
type namespaceLabelCache struct {
	reader client.Reader
	labels map[string]map[string]string
}

func (c *namespaceLabelCache) get(ctx context.Context, name string) (map[string]string, error) {
	if name == "" {
		return nil, nil
	}
	if l, ok := c.labels[name]; ok {
		return l, nil
	}
	ns := &unstructured.Unstructured{}
	ns.SetAPIVersion("v1")
	ns.SetKind("Namespace")
	if err := c.reader.Get(ctx, client.ObjectKey{Name: name}, ns); err != nil {
		return nil, fmt.Errorf("reading the labels of namespace %s: %w", name, err)
	}
	c.labels[name] = ns.GetLabels()
	return ns.GetLabels(), nil
}
