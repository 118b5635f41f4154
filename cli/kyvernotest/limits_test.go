package kyvernotest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/manifest"
)

// TestRunBoundedInput runs suites whose files are the alias bomb of manifest's test data, or over the size limit:
// each row fails quickly with an error naming the file.
func TestRunBoundedInput(t *testing.T) {
	bomb, err := os.ReadFile(filepath.Join("..", "..", "manifest", "testdata", "alias-bomb.yaml"))
	require.NoError(t, err)
	suite := func(t *testing.T, files map[string]string) string {
		t.Helper()
		dir := t.TempDir()
		for name, content := range files {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
		}
		return dir
	}
	const test = "apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\npolicies: [p.yaml]\n" +
		"resources: [r.yaml]\nresults:\n- {policy: p, rule: r, kind: Pod, resources: [a], result: pass}\n"
	tests := []struct {
		name  string
		files map[string]string
		lim   manifest.Limits
		want  string // the reason of the one row, a file name put first
	}{
		{name: "alias bomb as the test file", files: map[string]string{DefaultFileName: string(bomb)},
			want: "/" + DefaultFileName + ": decoding Test: line 14: alias expansion over the limit"},
		{name: "alias bomb as the values file", files: map[string]string{DefaultFileName: test + "variables: v.yaml\n", "v.yaml": string(bomb)},
			want: "/v.yaml: decoding Values: line 14: alias expansion over the limit"},
		{name: "alias bomb as the user info file", files: map[string]string{DefaultFileName: test + "userinfo: u.yaml\n", "u.yaml": string(bomb)},
			want: "/u.yaml: decoding UserInfo: line 14: alias expansion over the limit"},
		{name: "alias bomb as the context file", files: map[string]string{DefaultFileName: test + "context: c.yaml\n", "c.yaml": string(bomb)},
			want: "/c.yaml: decoding Context: line 14: alias expansion over the limit"},
		{name: "test file over the limit", files: map[string]string{DefaultFileName: test}, lim: manifest.Limits{MaxBytes: 64},
			want: "/" + DefaultFileName + ": file over the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := suite(t, tt.files)
			var stdout bytes.Buffer
			start := time.Now()
			code, err := Run(t.Context(), Options{Paths: []string{dir}, JSON: true, Limits: tt.lim}, &stdout)
			assert.Less(t, time.Since(start), 2*time.Second)
			require.NoError(t, err)
			assert.Equal(t, 1, code)
			assert.Contains(t, stdout.String(), tt.want)
		})
	}
}

func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(assert.AnError)
	var stdout bytes.Buffer
	code, err := Run(ctx, Options{Paths: []string{"testdata/suite"}}, &stdout)
	assert.Equal(t, 2, code)
	assert.EqualError(t, err, "interrupted: "+assert.AnError.Error())
	assert.Empty(t, stdout.String(), "an interrupted run writes no report")
}
