package reports

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/reports"
)

// listExisting returns the content hash of every report Bylaw manages on the API server in api, by namespace
// (reports.ClusterScope for the cluster report): "" for one without the hash annotation. It reads metadata only, in
// pages, unless restore is set.
func (w *Writer) listExisting(ctx context.Context, api reports.API, restore bool) (map[string]string, error) {
	out := map[string]string{}
	// One namespace key per report kind: any namespace but ClusterScope stands for the namespaced kind.
	for _, scope := range []string{"namespaced", reports.ClusterScope} {
		if err := w.listKind(ctx, api, scope, restore, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// listKind adds the hashes of the reports of the kind of scope in api to out; with restore (and Options.Restore
// set) it reads them whole and hands their results to Options.Restore.
func (w *Writer) listKind(ctx context.Context, api reports.API, scope string, restore bool, out map[string]string) error {
	if restore && w.opts.Restore != nil {
		return w.restoreKind(ctx, api, scope, out)
	}
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(api.GroupVersionKind(scope).GroupVersion().WithKind(api.Kind(scope) + "List"))
	for {
		err := w.client.List(ctx, list, client.MatchingLabels{reports.ManagedByLabel: reports.Source},
			client.Limit(w.opts.PageSize), client.Continue(list.Continue))
		if err != nil {
			return fmt.Errorf("listing the %s items labelled %s=%s: %w", api.GroupVersionKind(scope),
				reports.ManagedByLabel, reports.Source, err)
		}
		for _, item := range list.Items {
			if item.Name == nameOf(item.Namespace) {
				out[item.Namespace] = item.Annotations[reports.HashAnnotation]
			}
		}
		if list.Continue == "" {
			return nil
		}
	}
}

// restoreKind reads the reports of the kind of scope in api whole, a page at a time, hands their results to
// Options.Restore and adds their hashes to out.
func (w *Writer) restoreKind(ctx context.Context, api reports.API, scope string, out map[string]string) error {
	list := api.NewList(scope)
	opts := []client.ListOption{client.MatchingLabels{reports.ManagedByLabel: reports.Source}, client.Limit(w.opts.RestorePageSize)}
	for {
		if err := w.client.List(ctx, list, opts...); err != nil {
			return fmt.Errorf("reading the %s items labelled %s=%s: %w", api.GroupVersionKind(scope),
				reports.ManagedByLabel, reports.Source, err)
		}
		items, err := meta.ExtractList(list)
		if err != nil {
			return fmt.Errorf("reading the %s items: %w", api.GroupVersionKind(scope), err)
		}
		for _, item := range items {
			obj, ok := item.(reports.Object)
			if ok && obj.GetName() == nameOf(obj.GetNamespace()) {
				out[obj.GetNamespace()] = obj.GetAnnotations()[reports.HashAnnotation]
				w.opts.Restore(ctx, reports.ResultsOf(obj))
			}
		}
		next := list.GetContinue()
		if next == "" {
			return nil
		}
		opts = append(opts[:2], client.Continue(next))
	}
}
