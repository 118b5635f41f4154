package apply

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func assertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o600))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test with -update to create %s", path)
	assert.Equal(t, string(want), string(got))
}

func fixtureOptions(format string) Options {
	return Options{
		PolicyPaths:   []string{"testdata/policies"},
		ResourcePaths: []string{"testdata/resources"},
		ValuesFile:    "testdata/values.yaml",
		UserInfoFile:  "testdata/userinfo.yaml",
		Output:        format,
	}
}

func TestRunGolden(t *testing.T) {
	for _, format := range formats {
		t.Run(format, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code, err := Run(t.Context(), fixtureOptions(format), &stdout, &stderr)
			require.NoError(t, err)
			assert.Equal(t, ExitEnforced, code, "require-team-label is enforced in prod and fails there")
			assert.Contains(t, stderr.String(), "invalid.yaml", "the load error names the file")
			assertGolden(t, "apply."+format+".golden", stdout.Bytes())
			if format == FormatJUnit {
				var doc junitSuites
				assert.NoError(t, xml.Unmarshal(stdout.Bytes(), &doc), "JUnit output is well-formed XML")
			}
		})
	}
}

func TestRunExitCodes(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		code int
	}{
		{"audit failures do not block", Options{PolicyPaths: []string{"testdata/policies/pinned-images.yaml"}, ResourcePaths: []string{"testdata/resources"}}, ExitOK},
		{"enforced failure blocks", Options{PolicyPaths: []string{"testdata/policies/require-team-label.yaml"}, ResourcePaths: []string{"testdata/resources/prod.yaml"}}, ExitEnforced},
		{"an Enforce rule's error blocks as its failure does", Options{PolicyPaths: []string{"testdata/unsupported/verify-images.yaml"}, ResourcePaths: []string{"testdata/resources/pods.yaml"}}, ExitEnforced},
		{"an exception in any namespace applies", Options{PolicyPaths: []string{"testdata/policies/require-team-label.yaml",
			"testdata/exceptions/prod-team.yaml"}, ResourcePaths: []string{"testdata/resources/prod.yaml"}}, ExitOK},
		{"enforcement is per namespace", Options{PolicyPaths: []string{"testdata/policies/require-team-label.yaml"}, ResourcePaths: []string{"testdata/resources/pods.yaml"}}, ExitOK},
		{"no policy loaded", Options{PolicyPaths: []string{"testdata/policies/invalid.yaml"}, ResourcePaths: []string{"testdata/resources"}}, ExitNoInput},
		{"no resource loaded", Options{PolicyPaths: []string{"testdata/policies"}, ResourcePaths: []string{"testdata/missing"}}, ExitNoInput},
		{"unknown format", Options{PolicyPaths: []string{"testdata/policies"}, ResourcePaths: []string{"testdata/resources"}, Output: "xml"}, ExitNoInput},
		{"unreadable values", Options{PolicyPaths: []string{"testdata/policies"}, ResourcePaths: []string{"testdata/resources"}, ValuesFile: "testdata/missing.yaml"}, ExitNoInput},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code, err := Run(t.Context(), tt.opts, &stdout, &stderr)
			assert.Equal(t, tt.code, code, "stderr: %s", stderr.String())
			assert.Equal(t, tt.code == ExitNoInput, err != nil)
		})
	}
}

func TestRunOutputIsStableAcrossWorkerCounts(t *testing.T) {
	for name, fixture := range map[string]Options{"validate": fixtureOptions(FormatJSON), "mutate": mutateOptions(FormatJSON)} {
		t.Run(name, func(t *testing.T) {
			var outputs []string
			for _, workers := range []int{1, 2, 8} {
				o := fixture
				o.Workers = workers
				var stdout, stderr bytes.Buffer
				_, err := Run(t.Context(), o, &stdout, &stderr)
				require.NoError(t, err)
				outputs = append(outputs, stdout.String())
			}
			assert.Equal(t, outputs[0], outputs[1])
			assert.Equal(t, outputs[0], outputs[2])
		})
	}
}
