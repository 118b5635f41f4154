package reports

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGoldenPolicyReport builds the report of a namespace with every kind of result, capped so that one pass is
// dropped, and compares its YAML with testdata/policyreport.golden.yaml (go test -run Golden -update rewrites it).
func TestGoldenPolicyReport(t *testing.T) {
	hostPath := newPolicy("disallow-host-path", annotated(SeverityAnnotation, "medium"),
		annotated(CategoryAnnotation, "Pod Security Standards (Baseline)"),
		fromSource("gitsource/bylaw-system/policies", "main@sha1:5f2c9e0d", "sha256:9b1e4c7a"))
	probes := newPolicy("require-probes", annotated(SeverityAnnotation, "low"), annotated(ScoredAnnotation, "false"),
		annotated(CategoryAnnotation, "Best Practices"))
	local := newPolicy("no-latest", inNamespace("shop"))
	now := t0
	book := NewBook(Options{MaxResults: 6, Now: fixedClock(&now)})
	book.Set(pod("shop", "web-1"), []engine.PolicyResult{
		result(hostPath, rule("host-path", engine.StatusFail, "HostPath volumes are forbidden.")),
		result(probes, rule("validate-probes", engine.StatusFail, "Liveness, readiness, or startup probes are required.")),
		result(local, rule("tag", engine.StatusPass, "validation rule 'tag' passed.")),
	})
	now = t0.Add(90 * time.Second)
	book.Set(pod("shop", "api-1"), []engine.PolicyResult{
		result(hostPath, rule("host-path", engine.StatusPass, "")),
		result(probes, engine.RuleResult{Rule: "validate-probes", Status: engine.StatusSkip,
			Message: "rule skipped due to PolicyException shop/probes", Exception: "shop/probes"}),
		result(local, rule("tag", engine.StatusError, "failed to evaluate: variable not found")),
	})
	book.Set(pod("shop", "db-1"), []engine.PolicyResult{result(local, rule("tag", engine.StatusPass, ""))})
	rep, err := book.Report("shop")
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Dropped)
	got, err := yaml.Marshal(rep.Object)
	require.NoError(t, err)

	golden := filepath.Join("testdata", "policyreport.golden.yaml")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o600))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./reports -run Golden -update to create it")
	assert.Equal(t, string(want), string(got))

	var decoded v1alpha2.PolicyReport
	require.NoError(t, yaml.UnmarshalStrict(want, &decoded), "the golden report decodes strictly")
	assert.Equal(t, rep.Object, &decoded)
}
