package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr bool
		docs    int
	}{
		{"five pods", []string{"-n", "5", "-seed", "3"}, false, 5},
		{"no pods", []string{"-n", "0"}, false, 0},
		{"negative count", []string{"-n", "-1"}, true, 0},
		{"ratio above one", []string{"-violations", "1.5"}, true, 0},
		{"unknown flag", []string{"-x"}, true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			err := run(append(tt.args, "-o", dir))
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			data, err := os.ReadFile(filepath.Join(dir, "pods.yaml"))
			require.NoError(t, err)
			assert.Equal(t, tt.docs, bytes.Count(data, []byte("kind: Pod\n")))
		})
	}
}
