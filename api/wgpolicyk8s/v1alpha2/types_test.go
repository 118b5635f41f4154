package v1alpha2

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"
)

// upstreamReport is a PolicyReport as another engine following the upstream schema writes it.
const upstreamReport = `apiVersion: wgpolicyk8s.io/v1alpha2
kind: PolicyReport
metadata:
  name: polr-ns-shop
  namespace: shop
scope:
  apiVersion: v1
  kind: Namespace
  name: shop
summary: {pass: 1, fail: 1, warn: 0, error: 0, skip: 0}
results:
- policy: disallow-host-path
  rule: host-path
  result: fail
  scored: true
  severity: medium
  category: Pod Security Standards (Baseline)
  source: kyverno
  message: HostPath volumes are forbidden.
  timestamp: {seconds: 1714818600, nanos: 250}
  resources:
  - {apiVersion: v1, kind: Pod, namespace: shop, name: web-1, uid: 0b6c}
  properties:
    process: background scan
- policy: require-labels
  result: pass
  source: kyverno
  resourceSelector:
    matchLabels: {app: web}
  timestamp: {seconds: 1714818600, nanos: 0}
`

func TestDecodeUpstreamReport(t *testing.T) {
	var rep PolicyReport
	require.NoError(t, yaml.UnmarshalStrict([]byte(upstreamReport), &rep))
	assert.Equal(t, PolicyReportSummary{Pass: 1, Fail: 1}, rep.Summary)
	require.Len(t, rep.Results, 2)
	first := rep.Results[0]
	assert.Equal(t, ResultFail, first.Result)
	assert.Equal(t, SeverityMedium, first.Severity)
	assert.Equal(t, metav1.Timestamp{Seconds: 1714818600, Nanos: 250}, first.Timestamp)
	assert.Equal(t, "web-1", first.Resources[0].Name)
	assert.Equal(t, map[string]string{"process": "background scan"}, first.Properties)
	assert.Equal(t, map[string]string{"app": "web"}, rep.Results[1].ResourceSelector.MatchLabels)

	data, err := yaml.Marshal(&rep)
	require.NoError(t, err)
	var again PolicyReport
	require.NoError(t, yaml.UnmarshalStrict(data, &again))
	assert.Equal(t, rep, again, "a report survives encoding")
	copied := rep.DeepCopy()
	copied.Results[0].Properties["process"] = "changed"
	assert.Equal(t, "background scan", rep.Results[0].Properties["process"], "DeepCopy copies the properties")
}

func TestSummary(t *testing.T) {
	tests := []struct {
		name    string
		results []PolicyResult
		want    PolicyReportSummary
	}{
		{name: "empty"},
		{name: "each outcome",
			results: []PolicyResult{ResultPass, ResultFail, ResultWarn, ResultError, ResultSkip, ResultPass},
			want:    PolicyReportSummary{Pass: 2, Fail: 1, Warn: 1, Error: 1, Skip: 1}},
		{name: "unknown outcomes are not counted", results: []PolicyResult{"", "maybe", ResultFail},
			want: PolicyReportSummary{Fail: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s PolicyReportSummary
			for _, r := range tt.results {
				s.Add(r)
			}
			assert.Equal(t, tt.want, s)
			assert.Equal(t, tt.want.Pass+tt.want.Fail+tt.want.Warn+tt.want.Error+tt.want.Skip, s.Total())
		})
	}
}

func TestScheme(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, AddToScheme(scheme))
	for _, kind := range []string{"PolicyReport", "PolicyReportList", "ClusterPolicyReport", "ClusterPolicyReportList"} {
		obj, err := scheme.New(SchemeGroupVersion.WithKind(kind))
		require.NoError(t, err, kind)
		assert.NotNil(t, obj.DeepCopyObject(), kind)
	}
	assert.Equal(t, "policyreports.wgpolicyk8s.io", Resource("policyreports").String())
	assert.Equal(t, "ClusterPolicyReport.wgpolicyk8s.io", Kind("ClusterPolicyReport").String())
}

// crdDir is where the CRDs of this package are generated, relative to it.
var crdDir = filepath.Join("..", "..", "..", "manifests", "crds", "wgpolicyk8s")

// TestGeneratedCRDs checks names, scope, printer columns and the enums of the generated CRDs. The API server's
// structural-schema validation runs in hack/crdcheck.
func TestGeneratedCRDs(t *testing.T) {
	tests := []struct {
		file, kind, shortName string
		scope                 apiextv1.ResourceScope
	}{
		{"wgpolicyk8s.io_policyreports.yaml", "PolicyReport", "polr", apiextv1.NamespaceScoped},
		{"wgpolicyk8s.io_clusterpolicyreports.yaml", "ClusterPolicyReport", "cpolr", apiextv1.ClusterScoped},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(crdDir, tt.file))
			require.NoError(t, err)
			var crd apiextv1.CustomResourceDefinition
			require.NoError(t, yaml.UnmarshalStrict(data, &crd))
			assert.Equal(t, GroupName, crd.Spec.Group)
			assert.Equal(t, tt.kind, crd.Spec.Names.Kind)
			assert.Equal(t, tt.scope, crd.Spec.Scope)
			assert.Equal(t, []string{tt.shortName}, crd.Spec.Names.ShortNames)
			require.Len(t, crd.Spec.Versions, 1)
			v := crd.Spec.Versions[0]
			assert.Equal(t, "v1alpha2", v.Name)
			assert.True(t, v.Served && v.Storage)
			var columns []string
			for _, c := range v.AdditionalPrinterColumns {
				columns = append(columns, c.Name)
			}
			assert.Equal(t, []string{"Kind", "Name", "Pass", "Fail", "Warn", "Error", "Skip", "Age"}, columns)
			result := v.Schema.OpenAPIV3Schema.Properties["results"].Items.Schema
			assert.ElementsMatch(t, []string{`"pass"`, `"fail"`, `"warn"`, `"error"`, `"skip"`},
				enum(result.Properties["result"]))
			assert.ElementsMatch(t, []string{`"critical"`, `"high"`, `"medium"`, `"low"`, `"info"`},
				enum(result.Properties["severity"]))
			assert.Equal(t, []string{"policy"}, result.Required)
		})
	}
}

// enum returns the raw JSON of a schema's enum values.
func enum(s apiextv1.JSONSchemaProps) []string {
	out := make([]string, len(s.Enum))
	for i, v := range s.Enum {
		out[i] = string(v.Raw)
	}
	return out
}
