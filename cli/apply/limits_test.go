package apply

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

// TestRunBoundedInput runs apply on inputs that must be refused quickly with an error naming the file: the alias
// bomb of manifest's test data as a resource, policy and values file, and resource files over the size limit.
func TestRunBoundedInput(t *testing.T) {
	bomb := filepath.Join("..", "..", "manifest", "testdata", "alias-bomb.yaml")
	big := filepath.Join(t.TempDir(), "big.yaml")
	f, err := os.Create(big)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(100<<20)) // sparse
	require.NoError(t, f.Close())
	policies := []string{"testdata/policies/require-team-label.yaml"}
	tests := []struct {
		name   string
		opts   Options
		code   int
		err    string // Run's error
		stderr string // a load error printed
	}{
		{name: "alias bomb as resources", opts: Options{PolicyPaths: policies, ResourcePaths: []string{bomb}}, code: ExitNoInput,
			err: "nothing to evaluate", stderr: "error: resource " + bomb + " document 1: line 14: alias expansion over the limit"},
		{name: "alias bomb as a policy file", code: ExitNoInput,
			opts: Options{PolicyPaths: []string{bomb}, ResourcePaths: []string{"testdata/resources"}},
			err:  "nothing to evaluate", stderr: "error: policy " + bomb + " document 1: line 14: alias expansion over the limit"},
		{name: "alias bomb as values", code: ExitNoInput,
			opts: Options{PolicyPaths: policies, ResourcePaths: []string{"testdata/resources"}, ValuesFile: bomb},
			err:  "values: " + bomb + ": decoding Values: line 14: alias expansion over the limit"},
		{name: "100 MB resource file", opts: Options{PolicyPaths: policies, ResourcePaths: []string{big}}, code: ExitNoInput,
			err: "nothing to evaluate", stderr: "read " + big + ": file over the limit: 104857600 bytes, more than 33554432"},
		{name: "resource file over a lowered limit", code: ExitNoInput,
			opts: Options{PolicyPaths: policies, ResourcePaths: []string{"testdata/resources/prod.yaml"}, Limits: manifest.Limits{MaxBytes: 64}},
			err:  "nothing to evaluate", stderr: "prod.yaml: file over the limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			start := time.Now()
			code, err := Run(t.Context(), tt.opts, &stdout, &stderr)
			assert.Less(t, time.Since(start), 2*time.Second)
			assert.Equal(t, tt.code, code)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.err)
			assert.Contains(t, stderr.String(), tt.stderr)
		})
	}
}

func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancelCause(t.Context())
	cancel(assert.AnError)
	var stdout, stderr bytes.Buffer
	code, err := Run(ctx, fixtureOptions(FormatJSON), &stdout, &stderr)
	assert.Equal(t, ExitNoInput, code)
	assert.ErrorIs(t, err, assert.AnError)
	assert.EqualError(t, err, "interrupted: "+assert.AnError.Error())
	assert.Empty(t, stdout.String(), "an interrupted run writes no report")
}
