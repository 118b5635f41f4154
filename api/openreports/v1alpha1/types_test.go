package v1alpha1

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

// upstreamReport is a Report as another engine following the upstream schema writes it, every field set.
const upstreamReport = `apiVersion: openreports.io/v1alpha1
kind: Report
metadata:
  name: 0b6c-pod-web-1
  namespace: shop
source: kyverno
scope:
  apiVersion: v1
  kind: Pod
  namespace: shop
  name: web-1
configuration:
  limits:
    maxResults: 100
    statusFilter: [fail, error]
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
	var rep Report
	require.NoError(t, yaml.UnmarshalStrict([]byte(upstreamReport), &rep))
	assert.Equal(t, "kyverno", rep.Source)
	assert.Equal(t, "web-1", rep.Scope.Name)
	assert.Equal(t, &ReportConfiguration{Limits: Limits{MaxResults: 100, StatusFilter: []Result{ResultFail, ResultError}}},
		rep.Configuration)
	assert.Equal(t, ReportSummary{Pass: 1, Fail: 1}, rep.Summary)
	require.Len(t, rep.Results, 2)
	first := rep.Results[0]
	assert.Equal(t, ResultFail, first.Result)
	assert.Equal(t, SeverityMedium, first.Severity)
	assert.True(t, first.Scored)
	assert.Equal(t, metav1.Timestamp{Seconds: 1714818600, Nanos: 250}, first.Timestamp)
	assert.Equal(t, "web-1", first.Resources[0].Name)
	assert.Equal(t, "HostPath volumes are forbidden.", first.Message)
	assert.Equal(t, map[string]string{"process": "background scan"}, first.Properties)
	assert.Equal(t, map[string]string{"app": "web"}, rep.Results[1].ResourceSelector.MatchLabels)

	data, err := yaml.Marshal(&rep)
	require.NoError(t, err)
	var again Report
	require.NoError(t, yaml.UnmarshalStrict(data, &again))
	assert.Equal(t, rep, again, "a report survives encoding")
	copied := rep.DeepCopy()
	copied.Results[0].Properties["process"] = "changed"
	copied.Configuration.Limits.StatusFilter[0] = ResultPass
	assert.Equal(t, "background scan", rep.Results[0].Properties["process"], "DeepCopy copies the properties")
	assert.Equal(t, ResultFail, rep.Configuration.Limits.StatusFilter[0], "DeepCopy copies the configuration")
}

func TestScheme(t *testing.T) {
	scheme := runtime.NewScheme()
	require.NoError(t, AddToScheme(scheme))
	for _, kind := range []string{"Report", "ReportList", "ClusterReport", "ClusterReportList"} {
		obj, err := scheme.New(SchemeGroupVersion.WithKind(kind))
		require.NoError(t, err, kind)
		assert.NotNil(t, obj.DeepCopyObject(), kind)
	}
	assert.Equal(t, "reports.openreports.io", Resource("reports").String())
	assert.Equal(t, "ClusterReport.openreports.io", Kind("ClusterReport").String())
}

// crdDir is where the CRDs of this package are generated, relative to it.
var crdDir = filepath.Join("..", "..", "..", "manifests", "crds", "openreports")

// TestGeneratedCRDs checks that the generated CRDs are interchangeable with the upstream ones (which Kyverno and
// Policy Reporter install under the same names): names, scope, short names, printer columns, the top-level and
// result fields, the enums and the required fields. The API server's structural-schema validation runs in
// hack/crdcheck (make verify-crds).
func TestGeneratedCRDs(t *testing.T) {
	tests := []struct {
		file, name, kind, plural, shortName string
		scope                               apiextv1.ResourceScope
	}{
		{"openreports.io_reports.yaml", "reports.openreports.io", "Report", "reports", "reps", apiextv1.NamespaceScoped},
		{"openreports.io_clusterreports.yaml", "clusterreports.openreports.io", "ClusterReport", "clusterreports", "creps",
			apiextv1.ClusterScoped},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(crdDir, tt.file))
			require.NoError(t, err)
			var crd apiextv1.CustomResourceDefinition
			require.NoError(t, yaml.UnmarshalStrict(data, &crd))
			assert.Equal(t, tt.name, crd.Name)
			assert.Equal(t, GroupName, crd.Spec.Group)
			assert.Equal(t, apiextv1.CustomResourceDefinitionNames{Kind: tt.kind, ListKind: tt.kind + "List",
				Plural: tt.plural, Singular: tt.plural[:len(tt.plural)-1], ShortNames: []string{tt.shortName}}, crd.Spec.Names)
			assert.Equal(t, tt.scope, crd.Spec.Scope)
			require.Len(t, crd.Spec.Versions, 1)
			v := crd.Spec.Versions[0]
			assert.Equal(t, "v1alpha1", v.Name)
			assert.True(t, v.Served && v.Storage)
			var columns []string
			for _, c := range v.AdditionalPrinterColumns {
				columns = append(columns, c.Name)
			}
			assert.Equal(t, []string{"Kind", "Name", "Pass", "Fail", "Warn", "Error", "Skip", "Age"}, columns)
			top := v.Schema.OpenAPIV3Schema
			assert.ElementsMatch(t, []string{"apiVersion", "kind", "metadata", "source", "scope", "scopeSelector",
				"configuration", "summary", "results"}, keys(top.Properties))
			assert.Equal(t, []string{"limits"}, top.Properties["configuration"].Required)
			result := top.Properties["results"].Items.Schema
			assert.ElementsMatch(t, []string{"source", "policy", "rule", "category", "severity", "timestamp", "result",
				"scored", "resources", "resourceSelector", "message", "properties"}, keys(result.Properties))
			assert.ElementsMatch(t, []string{`"pass"`, `"fail"`, `"warn"`, `"error"`, `"skip"`},
				enum(result.Properties["result"]))
			assert.ElementsMatch(t, []string{`"critical"`, `"high"`, `"medium"`, `"low"`, `"info"`},
				enum(result.Properties["severity"]))
			assert.Equal(t, []string{"policy"}, result.Required)
			assert.ElementsMatch(t, []string{"seconds", "nanos"}, result.Properties["timestamp"].Required)
		})
	}
}

// keys returns the names of schema properties.
func keys(props map[string]apiextv1.JSONSchemaProps) []string {
	out := make([]string, 0, len(props))
	for k := range props {
		out = append(out, k)
	}
	return out
}

// enum returns the raw JSON of a schema's enum values.
func enum(s apiextv1.JSONSchemaProps) []string {
	out := make([]string, len(s.Enum))
	for i, v := range s.Enum {
		out[i] = string(v.Raw)
	}
	return out
}
