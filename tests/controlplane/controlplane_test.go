package controlplane_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/tests/controlplane"
)

func TestAssets(t *testing.T) {
	full := t.TempDir()
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		require.NoError(t, os.WriteFile(filepath.Join(full, bin), nil, 0o755))
	}
	partial := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(partial, "kube-apiserver"), nil, 0o755))
	tests := []struct {
		name, dir, err string
	}{
		{"unset", "", "KUBEBUILDER_ASSETS is not set"},
		{"etcd missing", partial, "has no etcd"},
		{"complete", full, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("KUBEBUILDER_ASSETS", tt.dir)
			dir, err := controlplane.Assets()
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, full, dir)
		})
	}
}
