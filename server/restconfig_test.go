package server

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRestConfigHasNoClientSideRateLimit: a --kubeconfig gives the same client as in-cluster configuration (no
// client-go rate limit, whose default of 5 requests/s throttled apiCall context entries at admission), unless the
// kubeconfig's loader set one.
func TestRestConfigHasNoClientSideRateLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kubeconfig")
	require.NoError(t, os.WriteFile(path, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`), 0o600))
	cfg, err := restConfig(path)
	require.NoError(t, err)
	assert.Equal(t, float32(-1), cfg.QPS)
	assert.Equal(t, "https://127.0.0.1:6443", cfg.Host)

	_, err = restConfig(filepath.Join(t.TempDir(), "missing"))
	assert.ErrorContains(t, err, "--kubeconfig")
}
