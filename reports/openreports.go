package reports

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	orv1alpha1 "github.com/bylaw-dev/bylaw/api/openreports/v1alpha1"
	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
)

// The report model is the wgpolicyk8s.io result; an openreports.io result has the same fields under the same JSON
// names, so the conversions below copy field for field and the size estimate (resultSize) holds for both.

// newOpenReport returns the Report of the namespace of meta, or the ClusterReport for ClusterScope.
func newOpenReport(meta metav1.ObjectMeta, sum v1alpha2.PolicyReportSummary, results []v1alpha2.PolicyReportResult) Object {
	summary := orv1alpha1.ReportSummary{Pass: sum.Pass, Fail: sum.Fail, Warn: sum.Warn, Error: sum.Error, Skip: sum.Skip}
	converted := toOpenReports(results)
	typeMeta := typeMetaOf(OpenReports, meta.Namespace)
	if meta.Namespace == ClusterScope {
		return &orv1alpha1.ClusterReport{TypeMeta: typeMeta, ObjectMeta: meta, Source: Source, Summary: summary,
			Results: converted}
	}
	return &orv1alpha1.Report{TypeMeta: typeMeta, ObjectMeta: meta, Source: Source, Summary: summary,
		Results: converted, Scope: namespaceScope(meta.Namespace)}
}

// toOpenReports converts model results to openreports.io results.
func toOpenReports(results []v1alpha2.PolicyReportResult) []orv1alpha1.ReportResult {
	if results == nil {
		return nil
	}
	out := make([]orv1alpha1.ReportResult, len(results))
	for i, r := range results {
		out[i] = orv1alpha1.ReportResult{
			Source: r.Source, Policy: r.Policy, Rule: r.Rule, Category: r.Category,
			Severity: orv1alpha1.ResultSeverity(r.Severity), Timestamp: r.Timestamp,
			Result: orv1alpha1.Result(r.Result), Scored: r.Scored, Resources: r.Resources,
			ResourceSelector: r.ResourceSelector, Message: r.Message, Properties: r.Properties,
		}
	}
	return out
}

// fromOpenReports converts openreports.io results (as read from the API server) to model results.
func fromOpenReports(results []orv1alpha1.ReportResult) []v1alpha2.PolicyReportResult {
	if results == nil {
		return nil
	}
	out := make([]v1alpha2.PolicyReportResult, len(results))
	for i, r := range results {
		out[i] = v1alpha2.PolicyReportResult{
			Source: r.Source, Policy: r.Policy, Rule: r.Rule, Category: r.Category,
			Severity: v1alpha2.PolicySeverity(r.Severity), Timestamp: r.Timestamp,
			Result: v1alpha2.PolicyResult(r.Result), Scored: r.Scored, Resources: r.Resources,
			ResourceSelector: r.ResourceSelector, Message: r.Message, Properties: r.Properties,
		}
	}
	return out
}
