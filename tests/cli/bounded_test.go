package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// policy is an Audit policy that checks every Pod.
const policy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: require-team-label}
spec:
  validationFailureAction: Audit
  rules:
  - name: check-team-label
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: label team is required
      pattern: {metadata: {labels: {team: "?*"}}}
`

// pod is a Pod document; %d numbers it.
const pod = `apiVersion: v1
kind: Pod
metadata:
  name: pod-%d
  namespace: default
  labels: {app: web, team: a}
spec:
  containers:
  - name: web
    image: registry.example.com/web:1.2.3
    ports: [{containerPort: 8080}]
    resources: {limits: {cpu: 500m, memory: 128Mi}}
---
`

// writeFile writes content into dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

// writePods writes Pods into a file until it holds at least size bytes.
func writePods(t *testing.T, path string, size int) {
	t.Helper()
	f, err := os.Create(path)
	require.NoError(t, err)
	w := bufio.NewWriter(f)
	for i, n := 0, 0; n < size; i++ {
		written, err := fmt.Fprintf(w, pod, i)
		require.NoError(t, err)
		n += written
	}
	require.NoError(t, w.Flush())
	require.NoError(t, f.Close())
}

// result is how a child process ended.
type result struct {
	code    int
	elapsed time.Duration
	maxRSS  int64 // bytes
	stderr  string
}

// runBylaw runs the binary with args, killing it after limit, and reads its peak RSS from its rusage.
func runBylaw(t *testing.T, limit time.Duration, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bylaw, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	_ = cmd.Run()
	elapsed := time.Since(start)
	require.NotNil(t, cmd.ProcessState)
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	require.True(t, ok)
	return result{code: cmd.ProcessState.ExitCode(), elapsed: elapsed, maxRSS: ru.Maxrss << 10, stderr: stderr.String()}
}

// TestApplyRefusesHostileInput: the ~1 KB alias bomb of manifest's test data and a 100 MB resource file are each
// refused by `bylaw apply` with an error naming the file, in under 2 s, with a peak RSS under 200 MB.
func TestApplyRefusesHostileInput(t *testing.T) {
	dir := t.TempDir()
	policyFile := writeFile(t, dir, "policy.yaml", policy)
	bomb := filepath.Join(repoRoot(), "manifest", "testdata", "alias-bomb.yaml")
	big := filepath.Join(dir, "big.yaml")
	writePods(t, big, 100<<20)
	tests := []struct {
		name, resource, want string
	}{
		{name: "alias bomb", resource: bomb,
			want: "error: resource " + bomb + " document 1: line 14: alias expansion over the limit: more than 250000 values"},
		{name: "100 MB resource file", resource: big,
			want: "error: resource " + big + ": cannot read: read " + big + ": file over the limit: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runBylaw(t, 20*time.Second, "apply", policyFile, "--resource", tt.resource)
			t.Logf("exit %d in %v, peak RSS %d MiB", r.code, r.elapsed, r.maxRSS>>20)
			assert.Equal(t, 2, r.code, r.stderr)
			assert.Contains(t, r.stderr, tt.want)
			assert.Less(t, r.elapsed, 2*time.Second)
			assert.Less(t, r.maxRSS, int64(200<<20), "peak RSS")
		})
	}
}

// TestApplyStopsOnSIGTERM sends SIGTERM (or SIGINT, or SIGTERM twice) to `bylaw apply` half a second into a run over
// 50 MB of valid Pods (two files under the size limit): it stops within a second, with exit code 143 (130) and no
// report.
func TestApplyStopsOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	policyFile := writeFile(t, dir, "policy.yaml", policy)
	writePods(t, filepath.Join(dir, "pods-1.yaml"), 25<<20)
	writePods(t, filepath.Join(dir, "pods-2.yaml"), 25<<20)
	for _, signals := range [][]syscall.Signal{{syscall.SIGTERM}, {syscall.SIGINT}, {syscall.SIGTERM, syscall.SIGTERM}} {
		t.Run(fmt.Sprint(signals), func(t *testing.T) {
			cmd := exec.Command(bylaw, "apply", policyFile, "--resource", filepath.Join(dir, "pods-1.yaml"),
				"--resource", filepath.Join(dir, "pods-2.yaml"), "-o", "json")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
				t.Fatalf("bylaw apply ended before the signal: %s", stderr.String())
			case <-time.After(500 * time.Millisecond):
			}
			sent := time.Now()
			for _, s := range signals {
				require.NoError(t, cmd.Process.Signal(s))
			}
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				require.NoError(t, cmd.Process.Kill())
				<-done
				t.Fatalf("bylaw apply did not stop within 10 s of %v", signals)
			}
			stopped := time.Since(sent)
			t.Logf("stopped %v after %v", stopped, signals)
			assert.Less(t, stopped, time.Second)
			assert.Equal(t, 128+int(signals[0]), cmd.ProcessState.ExitCode(), stderr.String())
			if len(signals) == 1 {
				assert.Contains(t, stderr.String(), "error: interrupted: ")
			}
			assert.Empty(t, stdout.String(), "no report")
		})
	}
}
