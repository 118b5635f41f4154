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
func (w *Writer) listExisting(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	for _, kind := range []string{"PolicyReportList", "ClusterPolicyReportList"} {
		if err := w.listKind(ctx, kind, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// listKind adds the hashes of the reports of kind (a list kind) to out.
func (w *Writer) listKind(ctx context.Context, kind string, out map[string]string) error {
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
