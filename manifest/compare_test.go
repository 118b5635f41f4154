package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// corpusRoot finds the Kyverno policy corpus (shared/ beside the repository); "" when it is absent.
func corpusRoot() string {
	for _, dir := range []string{
		filepath.Join("..", "..", "shared", "conformance", "kyverno-policies"),
		"/work/shared/conformance/kyverno-policies",
	} {
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			return dir
		}
	}
	return ""
}

// checkAgainstReference fails when the fast path accepts doc with a result other than the reference's, or accepts a
// document the reference rejects.
func checkAgainstReference(t testing.TB, doc []byte) (fast bool) {
	t.Helper()
	got, ok := decodeFast(doc)
	want, err := Limits{}.decodeReference(doc)
	if !ok {
		return false
	}
	require.NoErrorf(t, err, "fast path accepted a document the reference rejects:\n%s", doc)
	require.Equalf(t, want, got, "fast path differs from the reference on:\n%s", doc)
	return true
}

// corpusResourceFiles lists the YAML files under the corpus' .kyverno-test folders.
func corpusResourceFiles(t testing.TB) []string {
	t.Helper()
	root := corpusRoot()
	if root == "" {
		t.Skip("the Kyverno policy corpus is not available")
	}
	var files []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		inTests := strings.Contains(filepath.ToSlash(path), "/.kyverno-test/")
		if !d.IsDir() && inTests && filepath.Ext(path) == ".yaml" {
			files = append(files, path)
		}
		return nil
	})
	require.NoError(t, err)
	return files
}

func TestCorpusMatchesReference(t *testing.T) {
	files := corpusResourceFiles(t)
	require.NotEmpty(t, files)
	var docs, fast int
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		split, err := Split(data)
		if err != nil {
			continue
		}
		for _, d := range split {
			docs++
			if checkAgainstReference(t, d.Data) {
				fast++
			}
		}
	}
	t.Logf("%d files, %d documents, %d on the fast path", len(files), docs, fast)
}
