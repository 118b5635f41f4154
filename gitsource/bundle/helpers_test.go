package bundle

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// policyYAML is a valid ClusterPolicy named name.
func policyYAML(name string) string {
	return fmt.Sprintf(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: %s
spec:
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "a team label is required"
        pattern:
          metadata:
            labels:
              team: "?*"
`, name)
}

// writeTree writes files (path: content) under a new temporary folder.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
		require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
	}
	return dir
}

func testLoader() *policy.Loader { return policy.NewLoader(engine.New()) }

// goodBundle is a built bundle folder: two policies, a README, a hidden test folder and signature files.
func goodBundle(t testing.TB) string {
	t.Helper()
	dir := writeTree(t, map[string]string{
		"pods/team.yaml":                       policyYAML("team"),
		"other.yml":                            policyYAML("other"),
		"README.md":                            "# policies\n",
		".kyverno-test/kyverno-test.yaml":      "not: a policy\n",
		"signatures/release.sig":               "c2ln\n",
		"signatures/ci.sigstore.json":          "{}",
		".git/config":                          "[core]\n",
		".git/objects/aa/not-part-of-a-bundle": "x",
	})
	_, err := Build(t.Context(), dir, BuildOptions{Name: "platform", Version: 7, Loader: testLoader()})
	require.NoError(t, err)
	return dir
}

func mustTime(t testing.TB, s string) *time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	require.NoError(t, err)
	return &v
}
