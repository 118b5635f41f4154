package reports

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	orv1alpha1 "github.com/bylaw-dev/bylaw/api/openreports/v1alpha1"
	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
)

// API is the API group of the report objects a Book builds: one of WGPolicy and OpenReports. The content, names
// and lifecycle of the reports are the same in both; only the group, version and kinds differ.
type API string

// The report APIs.
const (
	// WGPolicy is wgpolicyk8s.io/v1alpha2: a PolicyReport per namespace and a ClusterPolicyReport (the default).
	WGPolicy API = "wgpolicyk8s"
	// OpenReports is openreports.io/v1alpha1: a Report per namespace and a ClusterReport.
	OpenReports API = "openreports"
)

// APIs returns every report API, the default first.
func APIs() []API { return []API{WGPolicy, OpenReports} }

// ParseAPI returns the API named s ("" is the default, WGPolicy).
func ParseAPI(s string) (API, error) {
	switch a := API(strings.TrimSpace(s)); a {
	case "":
		return WGPolicy, nil
	case WGPolicy, OpenReports:
		return a, nil
	default:
		return "", fmt.Errorf("report API %q: not one of %s, %s", s, WGPolicy, OpenReports)
	}
}

// orDefault returns a, or WGPolicy when a is empty.
func (a API) orDefault() API {
	if a == "" {
		return WGPolicy
	}
	return a
}

// GroupVersion returns the group and version of the reports of a.
func (a API) GroupVersion() schema.GroupVersion {
	if a.orDefault() == OpenReports {
		return orv1alpha1.SchemeGroupVersion
	}
	return v1alpha2.SchemeGroupVersion
}

// Kind returns the kind of the report of namespace: the cluster report's for ClusterScope.
func (a API) Kind(namespace string) string {
	cluster := namespace == ClusterScope
	switch {
	case a.orDefault() == OpenReports && cluster:
		return "ClusterReport"
	case a.orDefault() == OpenReports:
		return "Report"
	case cluster:
		return "ClusterPolicyReport"
	default:
		return "PolicyReport"
	}
}

// GroupVersionKind returns the group, version and kind of the report of namespace.
func (a API) GroupVersionKind(namespace string) schema.GroupVersionKind {
	return a.GroupVersion().WithKind(a.Kind(namespace))
}

// ObjectList is a list of reports of one kind. It satisfies controller-runtime's client.ObjectList.
type ObjectList interface {
	metav1.ListInterface
	runtime.Object
}

// NewList returns an empty list of the kind of the report of namespace (any namespace but ClusterScope gives the
// namespaced kind).
func (a API) NewList(namespace string) ObjectList {
	cluster := namespace == ClusterScope
	switch {
	case a.orDefault() == OpenReports && cluster:
		return &orv1alpha1.ClusterReportList{}
	case a.orDefault() == OpenReports:
		return &orv1alpha1.ReportList{}
	case cluster:
		return &v1alpha2.ClusterPolicyReportList{}
	default:
		return &v1alpha2.PolicyReportList{}
	}
}

// ResultsOf returns the results of a report object of either API (in the model's type, whatever the API), nil for
// an object that is not a report.
func ResultsOf(obj runtime.Object) []v1alpha2.PolicyReportResult {
	switch r := obj.(type) {
	case *v1alpha2.PolicyReport:
		return r.Results
	case *v1alpha2.ClusterPolicyReport:
		return r.Results
	case *orv1alpha1.Report:
		return fromOpenReports(r.Results)
	case *orv1alpha1.ClusterReport:
		return fromOpenReports(r.Results)
	default:
		return nil
	}
}
