package reports

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/reports"
)

// listExisting returns the content hash of every report Bylaw manages on the API server, by namespace
// (reports.ClusterScope for the cluster report): "" for one without the hash annotation. It reads metadata only, in
// pages.
func (w *Writer) listExisting(ctx context.Context, restore bool) (map[string]string, error) {
	out := map[string]string{}
	for _, kind := range []string{"PolicyReportList", "ClusterPolicyReportList"} {
		if err := w.listKind(ctx, kind, restore, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// listKind adds the hashes of the reports of kind (a list kind) to out; with restore (and Options.Restore set) it
// reads them whole and hands their results to Options.Restore.
func (w *Writer) listKind(ctx context.Context, kind string, restore bool, out map[string]string) error {
	if restore && w.opts.Restore != nil {
		return w.restoreKind(ctx, kind, out)
	}
	list := &metav1.PartialObjectMetadataList{}
	list.SetGroupVersionKind(v1alpha2.SchemeGroupVersion.WithKind(kind))
	for {
		err := w.client.List(ctx, list, client.MatchingLabels{reports.ManagedByLabel: reports.Source},
			client.Limit(w.opts.PageSize), client.Continue(list.Continue))
		if err != nil {
			return fmt.Errorf("listing the %s items labelled %s=%s: %w", kind, reports.ManagedByLabel, reports.Source,
				err)
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

// restoreKind reads the reports of kind whole, a page at a time, hands their results to Options.Restore and adds
// their hashes to out.
func (w *Writer) restoreKind(ctx context.Context, kind string, out map[string]string) error {
	var list client.ObjectList = &v1alpha2.PolicyReportList{}
	if kind == "ClusterPolicyReportList" {
		list = &v1alpha2.ClusterPolicyReportList{}
	}
	opts := []client.ListOption{client.MatchingLabels{reports.ManagedByLabel: reports.Source}, client.Limit(w.opts.RestorePageSize)}
	for {
		if err := w.client.List(ctx, list, opts...); err != nil {
			return fmt.Errorf("reading the %s items labelled %s=%s: %w", kind, reports.ManagedByLabel, reports.Source, err)
		}
		for _, item := range itemsOf(list) {
			if item.GetName() == nameOf(item.GetNamespace()) {
				out[item.GetNamespace()] = item.GetAnnotations()[reports.HashAnnotation]
				w.opts.Restore(ctx, item.results)
			}
		}
		next := list.(metav1.ListInterface).GetContinue()
		if next == "" {
			return nil
		}
		opts = append(opts[:2], client.Continue(next))
	}
}

// report is a read report: its metadata and results.
type report struct {
	metav1.Object
	results []v1alpha2.PolicyReportResult
}

func itemsOf(list client.ObjectList) []report {
	var out []report
	switch l := list.(type) {
	case *v1alpha2.PolicyReportList:
		for i := range l.Items {
			out = append(out, report{Object: &l.Items[i], results: l.Items[i].Results})
		}
	case *v1alpha2.ClusterPolicyReportList:
		for i := range l.Items {
			out = append(out, report{Object: &l.Items[i], results: l.Items[i].Results})
		}
	}
	return out
}
