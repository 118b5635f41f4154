package server

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime/schema"

	orv1alpha1 "github.com/bylaw-dev/bylaw/api/openreports/v1alpha1"
	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
)

func TestReportAPIFlag(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
		err  string
	}{
		{name: "default", want: "wgpolicyk8s"},
		{name: "openreports", args: []string{"--report-api=openreports"}, want: "openreports"},
		{name: "wgpolicyk8s", args: []string{"--report-api=wgpolicyk8s"}, want: "wgpolicyk8s"},
		{name: "unknown is refused", args: []string{"--report-api=reports.x-k8s.io"},
			want: "reports.x-k8s.io", err: `--report-api: report API "reports.x-k8s.io": not one of wgpolicyk8s, openreports`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := parse(t, append([]string{"--webhook-url=https://127.0.0.1:9443"}, tt.args...)...)
			assert.Equal(t, tt.want, o.ReportAPI)
			if tt.err == "" {
				assert.NoError(t, o.Validate())
				return
			}
			assert.ErrorContains(t, o.Validate(), tt.err)
		})
	}
}

// TestSchemeHasReportKinds: the writer's client encodes and lists the reports of both APIs.
func TestSchemeHasReportKinds(t *testing.T) {
	s, err := NewScheme()
	require.NoError(t, err)
	wg, or := v1alpha2.SchemeGroupVersion, orv1alpha1.SchemeGroupVersion
	for _, gvk := range []schema.GroupVersionKind{
		wg.WithKind("PolicyReportList"), wg.WithKind("ClusterPolicyReport"),
		or.WithKind("Report"), or.WithKind("ReportList"), or.WithKind("ClusterReport"), or.WithKind("ClusterReportList"),
	} {
		assert.True(t, s.Recognizes(gvk), gvk.String())
	}
}
