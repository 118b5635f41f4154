package reports

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	orv1alpha1 "github.com/bylaw-dev/bylaw/api/openreports/v1alpha1"
	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
)

func TestParseAPI(t *testing.T) {
	tests := []struct {
		in   string
		want API
		err  string
	}{
		{in: "", want: WGPolicy},
		{in: "wgpolicyk8s", want: WGPolicy},
		{in: " openreports ", want: OpenReports},
		{in: "openreports.io", err: `report API "openreports.io": not one of wgpolicyk8s, openreports`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAPI(tt.in)
			if tt.err != "" {
				assert.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestAPIKinds(t *testing.T) {
	tests := []struct {
		api        API
		namespace  string
		apiVersion string
		kind       string
		list       ObjectList
	}{
		{api: WGPolicy, namespace: "shop", apiVersion: "wgpolicyk8s.io/v1alpha2", kind: "PolicyReport",
			list: &v1alpha2.PolicyReportList{}},
		{api: WGPolicy, namespace: ClusterScope, apiVersion: "wgpolicyk8s.io/v1alpha2", kind: "ClusterPolicyReport",
			list: &v1alpha2.ClusterPolicyReportList{}},
		{api: "", namespace: "shop", apiVersion: "wgpolicyk8s.io/v1alpha2", kind: "PolicyReport",
			list: &v1alpha2.PolicyReportList{}},
		{api: OpenReports, namespace: "shop", apiVersion: "openreports.io/v1alpha1", kind: "Report",
			list: &orv1alpha1.ReportList{}},
		{api: OpenReports, namespace: ClusterScope, apiVersion: "openreports.io/v1alpha1", kind: "ClusterReport",
			list: &orv1alpha1.ClusterReportList{}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%q", tt.api, tt.namespace), func(t *testing.T) {
			assert.Equal(t, tt.kind, tt.api.Kind(tt.namespace))
			gvk := tt.api.GroupVersionKind(tt.namespace)
			assert.Equal(t, tt.apiVersion, gvk.GroupVersion().String())
			assert.Equal(t, tt.kind, gvk.Kind)
			assert.IsType(t, tt.list, tt.api.NewList(tt.namespace))
			rep, err := NewBook(Options{API: tt.api}).Report(tt.namespace)
			require.NoError(t, err)
			assert.Equal(t, gvk, rep.Object.GetObjectKind().GroupVersionKind(), "the Book builds this kind")
		})
	}
}

func TestResultsOf(t *testing.T) {
	ref := corev1.ObjectReference{APIVersion: "v1", Kind: "Pod", Namespace: "shop", Name: "web-1"}
	model := []v1alpha2.PolicyReportResult{{Source: Source, Policy: "p", Rule: "r", Result: v1alpha2.ResultFail,
		Severity: v1alpha2.SeverityHigh, Category: "c", Scored: true, Message: "m", Resources: []corev1.ObjectReference{ref},
		Properties: map[string]string{PropertyException: "shop/x"}}}
	tests := []struct {
		name string
		obj  runtime.Object
		want []v1alpha2.PolicyReportResult
	}{
		{name: "PolicyReport", obj: &v1alpha2.PolicyReport{Results: model}, want: model},
		{name: "ClusterPolicyReport", obj: &v1alpha2.ClusterPolicyReport{Results: model}, want: model},
		{name: "Report", obj: &orv1alpha1.Report{Results: toOpenReports(model)}, want: model},
		{name: "ClusterReport", obj: &orv1alpha1.ClusterReport{Results: toOpenReports(model)}, want: model},
		{name: "Report without results", obj: &orv1alpha1.Report{}},
		{name: "not a report", obj: &corev1.Pod{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ResultsOf(tt.obj))
		})
	}
}
