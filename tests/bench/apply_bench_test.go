package bench

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/cli/apply"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// writePods writes n generated Pods (seed 1) to dir/pods.yaml, as podgen does, and returns the path.
func writePods(tb testing.TB, dir string, n int) string {
	tb.Helper()
	path := filepath.Join(dir, "pods.yaml")
	f, err := os.Create(path)
	require.NoError(tb, err)
	w := bufio.NewWriter(f)
	pods := gen.Generate(gen.Options{Count: n, Seed: 1, ViolationRatio: gen.DefaultViolationRatio})
	require.NoError(tb, gen.WriteYAML(w, pods))
	require.NoError(tb, w.Flush())
	require.NoError(tb, f.Close())
	return path
}

// BenchmarkApplyCommand runs `bylaw apply POLICIES --resource pods.yaml -o json` in-process per op: loading and
// compiling the pod-security policies (pattern, their validate.cel versions, or the ValidatingPolicy set), decoding 1,000 Pods, evaluating
// and writing JSON to io.Discard. It is apply.sh without process start-up, and the place to profile the command
// (-cpuprofile, -memprofile).
func BenchmarkApplyCommand(b *testing.B) {
	pods := writePods(b, b.TempDir(), benchPods)
	for _, set := range []struct {
		name    string
		folders []string
	}{{"pattern", patternFolders()}, {"cel", celFolders()}, {"vpol", vpolFolders()}} {
		b.Run(set.name, func(b *testing.B) {
			files := policyFiles(b, corpusDir(b), set.folders)
			opts := apply.Options{PolicyPaths: files, ResourcePaths: []string{pods}, Output: apply.FormatJSON}
			b.ReportAllocs()
			clock := startCPUClock()
			for b.Loop() {
				code, err := apply.Run(b.Context(), opts, io.Discard, io.Discard)
				require.NoError(b, err)
				require.Contains(b, []int{apply.ExitOK, apply.ExitEnforced}, code)
			}
			reportEvalRate(b, len(files)*benchPods, clock)
		})
	}
}

// BenchmarkLoadPodSecurityFolder loads and compiles everything under CORPUS/pod-security per op, as `bylaw apply`
// does with that folder: the fixed cost of a run before any resource is read.
func BenchmarkLoadPodSecurityFolder(b *testing.B) {
	folder := filepath.Join(corpusDir(b), "pod-security")
	b.ReportAllocs()
	for b.Loop() {
		set := policy.NewLoader(engine.New()).LoadPaths(b.Context(), folder)
		require.NotEmpty(b, set.Policies)
	}
}
