package bundle

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestParseManifestBounded: an alias bomb as bundle.yaml is refused by the shared bound (manifest.Limits) before the
// YAML decoder expands it.
func TestParseManifestBounded(t *testing.T) {
	bomb, err := os.ReadFile(filepath.Join("..", "..", "manifest", "testdata", "alias-bomb.yaml"))
	require.NoError(t, err)
	_, err = ParseManifest(bomb)
	require.ErrorIs(t, err, ErrInvalidManifest)
	assert.EqualError(t, err, "InvalidManifest: bundle.yaml: line 14: alias expansion over the limit: more than 250000 values")
}
