package kyvernotest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiscoverFindsSuitesInHiddenFolders(t *testing.T) {
	root := t.TempDir()
	files := []string{
		"a/policy1/.kyverno-test/kyverno-test.yaml",
		"a/policy2/kyverno-test.yaml",
		"b/kyverno-test.yaml",
		"kyverno-test.yaml",
		".git/kyverno-test.yaml",
		"b/other.yaml",
	}
	for _, f := range files {
		p := filepath.Join(root, f)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("kind: Test\n"), 0o600))
	}
	found, err := Discover(DefaultFileName, root, filepath.Join(root, "b"))
	require.NoError(t, err)
	var got []Found
	for _, f := range found {
		rel, err := filepath.Rel(root, f.Path)
		require.NoError(t, err)
		got = append(got, Found{Path: filepath.ToSlash(rel), Folder: f.Folder})
	}
	assert.Equal(t, []Found{
		{Path: "a/policy1/.kyverno-test/kyverno-test.yaml", Folder: "a"},
		{Path: "a/policy2/kyverno-test.yaml", Folder: "a"},
		{Path: "b/kyverno-test.yaml", Folder: "b"},
		{Path: "kyverno-test.yaml", Folder: "."},
	}, got, "sorted, once each, .git skipped")
}

func TestDiscoverTakesAFileAsASuite(t *testing.T) {
	p := filepath.Join(t.TempDir(), "custom.yaml")
	require.NoError(t, os.WriteFile(p, []byte("kind: Test\n"), 0o600))
	found, err := Discover(DefaultFileName, p)
	require.NoError(t, err)
	assert.Equal(t, []Found{{Path: p, Folder: "."}}, found)
}

func TestDiscoverFailsOnMissingPath(t *testing.T) {
	_, err := Discover(DefaultFileName, filepath.Join(t.TempDir(), "nope"))
	assert.Error(t, err)
}
