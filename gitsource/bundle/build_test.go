package bundle

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuildWritesTheCanonicalManifest(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"b.yaml":                policyYAML("b"),
		"a/z.yaml":              policyYAML("z"),
		"bundle.yaml":           "old manifest",
		"signatures/x.sig":      "stale",
		".git/HEAD":             "ref: refs/heads/main\n",
		"notes/readme.txt":      "hello",
		"a/.hidden/suite.yaml":  "tests: []\n",
		"a/.hidden/policy.yaml": "this is not: [valid",
	})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	exp := now.Add(48*time.Hour + 1500*time.Millisecond)
	data, err := Build(t.Context(), dir, BuildOptions{Name: "team-a", Version: 12, Expires: &exp, Loader: testLoader(),
		Now: func() time.Time { return now }})
	require.NoError(t, err)
	written, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	require.NoError(t, err)
	assert.Equal(t, data, written)
	m, err := ParseManifest(data)
	require.NoError(t, err)
	assert.Equal(t, "2026-01-03T00:00:01Z", m.Expires.Format(time.RFC3339), "UTC, whole seconds")
	assert.Equal(t, []File{
		{"a/.hidden/policy.yaml", hexSum("this is not: [valid"), 19},
		{"a/.hidden/suite.yaml", hexSum("tests: []\n"), 10},
		{"a/z.yaml", hexSum(policyYAML("z")), int64(len(policyYAML("z")))},
		{"b.yaml", hexSum(policyYAML("b")), int64(len(policyYAML("b")))},
		{"notes/readme.txt", hexSum("hello"), 5},
	}, m.Files, "hidden folders are listed but not loaded as policies")

	again, err := Build(t.Context(), dir, BuildOptions{Name: "team-a", Version: 12, Expires: &exp, Loader: testLoader(),
		Now: func() time.Time { return now }})
	require.NoError(t, err)
	assert.Equal(t, data, again, "building is reproducible")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.NotContains(t, e.Name(), ".tmp", "no temporary file is left")
	}
}

func TestBuildRefusals(t *testing.T) {
	bad := `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: bad
spec:
  rules:
    - name: r
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        pattern:
          metadata:
            labels:
              team: "?*"
        message: m
        unknownField: true
`
	past := time.Now().Add(-time.Hour)
	tests := []struct {
		name   string
		files  map[string]string
		opts   func(o *BuildOptions)
		reason Reason
		msg    []string
	}{
		{"invalid policy", map[string]string{"ok.yaml": policyYAML("ok"), "p/bad.yaml": "---\n" + policyYAML("x") + "---\n" + bad},
			nil, ErrInvalidPolicy, []string{"p/bad.yaml document 2", "ClusterPolicy bad", "unknownField"}},
		{"not YAML", map[string]string{"bad.yml": "a: [b"}, nil, ErrInvalidPolicy, []string{"bad.yml"}},
		{"zero version", map[string]string{"a.yaml": policyYAML("a")}, func(o *BuildOptions) { o.Version = 0 }, ErrInvalidManifest,
			[]string{"version is 0"}},
		{"bad name", map[string]string{"a.yaml": policyYAML("a")}, func(o *BuildOptions) { o.Name = "Team A" }, ErrInvalidManifest,
			[]string{`name "Team A"`}},
		{"expiry in the past", map[string]string{"a.yaml": policyYAML("a")}, func(o *BuildOptions) { o.Expires = &past }, ErrExpired, nil},
		{"backslash name", map[string]string{`a\b.yaml`: policyYAML("a")}, nil, ErrPathEscape, nil},
		{"case clash", map[string]string{"A.yaml": policyYAML("a"), "a.yaml": policyYAML("a")}, nil,
			ErrDuplicatePath, []string{"letter case"}},
		{"too large", map[string]string{"a.yaml": policyYAML("a")}, func(o *BuildOptions) { o.Limits.MaxFileBytes = 10 },
			ErrTooLarge, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			o := BuildOptions{Name: "p", Version: 1, Loader: testLoader()}
			if tt.opts != nil {
				tt.opts(&o)
			}
			_, err := Build(t.Context(), dir, o)
			require.Error(t, err)
			assert.Equal(t, tt.reason, ReasonOf(err), "%v", err)
			for _, s := range tt.msg {
				assert.Contains(t, err.Error(), s)
			}
			_, statErr := os.Stat(filepath.Join(dir, ManifestFile))
			assert.ErrorIs(t, statErr, os.ErrNotExist, "nothing is written")
		})
	}
}

func TestBuildRefusesLinksAndNeedsALoader(t *testing.T) {
	dir := writeTree(t, map[string]string{"a.yaml": policyYAML("a")})
	require.NoError(t, os.Symlink("a.yaml", filepath.Join(dir, "b.yaml")))
	_, err := Build(t.Context(), dir, BuildOptions{Name: "p", Version: 1, Loader: testLoader()})
	assert.ErrorIs(t, err, ErrSymlink)
	_, err = Build(t.Context(), dir, BuildOptions{Name: "p", Version: 1})
	assert.ErrorContains(t, err, "no policy loader")
}

func TestIsPolicyFile(t *testing.T) {
	for p, want := range map[string]bool{
		"a.yaml": true, "a/b.YML": true, "a.json": false, "README.md": false, ".kyverno-test/p.yaml": false,
		"a/.hidden/p.yaml": false, ".p.yaml": true, "yaml": false,
	} {
		assert.Equal(t, want, IsPolicyFile(p), p)
	}
}
