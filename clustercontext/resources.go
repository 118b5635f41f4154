package clustercontext

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/engine"
)

// Resource returns one existing object.
func (l *Loader) Resource(ctx context.Context, q engine.ResourceQuery) (map[string]any, error) {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(schema.FromAPIVersionAndKind(q.APIVersion, q.Kind))
	if err := l.Reader.Get(ctx, client.ObjectKey{Namespace: q.Namespace, Name: q.Name}, u); err != nil {
		return nil, fmt.Errorf("%s %s/%s: %w", q.Kind, q.Namespace, q.Name, err)
	}
	return u.Object, nil
}

// List returns the objects of q's kinds in q's namespace that its selector selects. A kind may carry its own API
// version ("v1/ConfigMap", "apps/v1/Deployment"); a bare kind uses q.APIVersion.
func (l *Loader) List(ctx context.Context, q engine.ResourceQuery) ([]map[string]any, error) {
	var out []map[string]any
	for _, kind := range q.Kinds {
		apiVersion, k := q.APIVersion, kind
		if i := strings.LastIndex(kind, "/"); i >= 0 {
			apiVersion, k = kind[:i], kind[i+1:]
		}
		items, err := l.listKind(ctx, apiVersion, k, q)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}

func (l *Loader) listKind(ctx context.Context, apiVersion, kind string, q engine.ResourceQuery) ([]map[string]any, error) {
	list := &unstructured.UnstructuredList{}
	list.SetGroupVersionKind(schema.FromAPIVersionAndKind(apiVersion, kind+"List"))
	opts := []client.ListOption{client.InNamespace(q.Namespace)}
	if q.Selector != nil {
		sel, err := metav1LabelSelector(q)
		if err != nil {
			return nil, err
		}
		opts = append(opts, client.MatchingLabelsSelector{Selector: sel})
	}
	if err := l.Reader.List(ctx, list, opts...); err != nil {
		return nil, fmt.Errorf("listing %s in %s: %w", kind, q.Namespace, err)
	}
	out := make([]map[string]any, 0, len(list.Items))
	for i := range list.Items {
		out = append(out, list.Items[i].Object)
	}
	return out, nil
}
