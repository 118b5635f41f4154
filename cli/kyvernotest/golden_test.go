package kyvernotest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// assertGolden compares got with testdata/name, or rewrites the file with -update.
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

func TestRunFixtureSuite(t *testing.T) {
	tests := []struct {
		golden string
		opts   Options
		code   int
	}{
		{"suite.golden", Options{}, 1},
		{"suite-detailed.golden", Options{DetailedResults: true, FolderSummary: true}, 1},
		{"suite-kyverno-scoring.golden", Options{DetailedResults: true, KyvernoScoring: true}, 1},
		{"suite.json.golden", Options{JSON: true}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			tt.opts.Paths = []string{"testdata"}
			var out bytes.Buffer
			code, err := Run(t.Context(), tt.opts, &out)
			require.NoError(t, err)
			assert.Equal(t, tt.code, code)
			assertGolden(t, tt.golden, out.Bytes())
		})
	}
}

func TestRunWithoutSuites(t *testing.T) {
	var out bytes.Buffer
	code, err := Run(t.Context(), Options{Paths: []string{t.TempDir()}}, &out)
	assert.Error(t, err)
	assert.Equal(t, 2, code)
}

func TestRunUnreadableSuiteFails(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, DefaultFileName), []byte("results: {"), 0o600))
	var out bytes.Buffer
	code, err := Run(t.Context(), Options{Paths: []string{dir}}, &out)
	require.NoError(t, err)
	assert.Equal(t, 1, code)
	assert.Contains(t, out.String(), "0 passed, 1 failed, 0 skipped")
	assert.Contains(t, out.String(), "malformed YAML")
}
