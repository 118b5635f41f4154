package reports

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	orv1alpha1 "github.com/bylaw-dev/bylaw/api/openreports/v1alpha1"
	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGoldenReports builds the report of a namespace with every kind of result, capped so that one pass is dropped,
// and the cluster report, in each report API, and compares their YAML with the golden files under testdata
// (go test ./reports -run Golden -update rewrites them). Each golden file decodes strictly into the API's type.
func TestGoldenReports(t *testing.T) {
	tests := []struct {
		api       API
		namespace string
		golden    string
		into      runtime.Object
	}{
		{api: WGPolicy, namespace: "shop", golden: "policyreport.golden.yaml", into: &v1alpha2.PolicyReport{}},
		{api: WGPolicy, namespace: ClusterScope, golden: "clusterpolicyreport.golden.yaml",
			into: &v1alpha2.ClusterPolicyReport{}},
		{api: OpenReports, namespace: "shop", golden: "openreports-report.golden.yaml", into: &orv1alpha1.Report{}},
		{api: OpenReports, namespace: ClusterScope, golden: "openreports-clusterreport.golden.yaml",
			into: &orv1alpha1.ClusterReport{}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			rep, err := goldenBook(tt.api).Report(tt.namespace)
			require.NoError(t, err)
			got, err := yaml.Marshal(rep.Object)
			require.NoError(t, err)

			golden := filepath.Join("testdata", tt.golden)
			if *update {
				require.NoError(t, os.WriteFile(golden, got, 0o600))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./reports -run Golden -update to create it")
			assert.Equal(t, string(want), string(got))
			require.NoError(t, yaml.UnmarshalStrict(want, tt.into), "the golden report decodes strictly")
			assert.Equal(t, rep.Object, tt.into)
		})
	}
}

// goldenBook returns the Book of the golden reports, building reports in api: three Pods of namespace shop (one
// pass dropped by the cap) and a Namespace.
func goldenBook(api API) *Book {
	hostPath := newPolicy("disallow-host-path", annotated(SeverityAnnotation, "medium"),
		annotated(CategoryAnnotation, "Pod Security Standards (Baseline)"),
		fromSource("gitsource/bylaw-system/policies", "main@sha1:5f2c9e0d", "sha256:9b1e4c7a"))
	probes := newPolicy("require-probes", annotated(SeverityAnnotation, "low"), annotated(ScoredAnnotation, "false"),
		annotated(CategoryAnnotation, "Best Practices"))
	local := newPolicy("no-latest", inNamespace("shop"))
	owner := newPolicy("require-ns-owner", annotated(SeverityAnnotation, "high"))
	now := t0
	book := NewBook(Options{MaxResults: 6, Now: fixedClock(&now), API: api})
	book.Set(pod("shop", "web-1"), []engine.PolicyResult{
		result(hostPath, rule("host-path", engine.StatusFail, "HostPath volumes are forbidden.")),
		result(probes, rule("validate-probes", engine.StatusFail, "Liveness, readiness, or startup probes are required.")),
		result(local, rule("tag", engine.StatusPass, "validation rule 'tag' passed.")),
	})
	book.Set(namespaceObj("shop"), []engine.PolicyResult{
		result(owner, rule("owner-label", engine.StatusFail, "label 'owner' is required.")),
	})
	now = t0.Add(90 * time.Second)
	book.Set(pod("shop", "api-1"), []engine.PolicyResult{
		result(hostPath, rule("host-path", engine.StatusPass, "")),
		result(probes, engine.RuleResult{Rule: "validate-probes", Status: engine.StatusSkip,
			Message: "rule skipped due to PolicyException shop/probes", Exception: "shop/probes"}),
		result(local, rule("tag", engine.StatusError, "failed to evaluate: variable not found")),
	})
	book.Set(pod("shop", "db-1"), []engine.PolicyResult{result(local, rule("tag", engine.StatusPass, ""))})
	return book
}

// TestSameReportInEachAPI: both APIs carry the same results, names, labels, summary and dropped count; the hash
// covers apiVersion and kind, so a report is rewritten when the API changes. Sizes are checked against the encoded
// length in TestSizeIsTheEncodedLength.
func TestSameReportInEachAPI(t *testing.T) {
	for _, ns := range []string{"shop", ClusterScope} {
		wg, err := goldenBook(WGPolicy).Report(ns)
		require.NoError(t, err)
		or, err := goldenBook(OpenReports).Report(ns)
		require.NoError(t, err)
		assert.Equal(t, wg.Summary, or.Summary, ns)
		assert.Equal(t, wg.Dropped, or.Dropped, ns)
		assert.Equal(t, ResultsOf(wg.Object), ResultsOf(or.Object), "the same results in both APIs (%q)", ns)
		assert.Equal(t, wg.Object.GetName(), or.Object.GetName(), "the same names in both APIs (%q)", ns)
		assert.Equal(t, wg.Object.GetLabels(), or.Object.GetLabels(), ns)
		assert.NotEqual(t, wg.Hash, or.Hash, ns)
	}
}
