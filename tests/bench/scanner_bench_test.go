package bench

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/controllers/scanner"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// scanFolders are the 20 background policies of issue 6's scan target: the 13 pod-security ones and 7 others on Pods.
func scanFolders() []string {
	return append(patternFolders(),
		"best-practices/disallow-default-namespace", "best-practices/restrict-image-registries",
		"other/require-cpu-limits", "other/require-container-port-names", "other/disallow-secrets-from-env-vars",
		"other/prevent-cr8escape", "other/docker-socket-requires-label")
}

// BenchmarkScannerPath10kPods measures a full scan of 10,000 Pods against 20 policies through the scanner's own
// evaluation (scanner.Scanner.Evaluate: kind candidates, every background policy, Book.Update) and the building of
// every report: what the leader does for a scan, minus the API server's LIST. The target is 2 CPU seconds per scan.
func BenchmarkScannerPath10kPods(b *testing.B) {
	eng := engine.New()
	policies := loadFolders(b, eng, scanFolders())
	require.Len(b, policies, 20)
	store := policy.NewStore()
	store.ReplaceSource("bench", policies, nil)
	snap := store.Snapshot()
	pods := gen.Generate(gen.Options{Count: 10_000, Seed: 1, ViolationRatio: gen.DefaultViolationRatio})
	objs := make([]*unstructured.Unstructured, len(pods))
	for i, p := range pods {
		objs[i] = &unstructured.Unstructured{Object: p.Object}
		objs[i].SetUID(types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", i)))
	}
	ctx := b.Context()
	var reportBytes int
	clock := processCPUTime()
	for b.Loop() {
		s := &scanner.Scanner{Store: store, Engine: eng, Book: reports.NewBook(reports.Options{})}
		for _, obj := range objs {
			results, err := s.Evaluate(ctx, snap, obj, "")
			require.NoError(b, err)
			s.Book.Update(reports.ResourceOf(obj.Object), results)
		}
		reps, err := s.Book.Reports()
		require.NoError(b, err)
		reportBytes = 0
		for _, r := range reps {
			reportBytes += r.Size
		}
	}
	cpu := (processCPUTime() - clock).Seconds() / float64(b.N)
	b.ReportMetric(cpu, "cpu-s/op")
	b.ReportMetric(float64(reportBytes), "report-bytes")
	if cpu > 2 {
		b.Errorf("a scan took %.2f CPU seconds, over the 2 s budget", cpu)
	}
}
