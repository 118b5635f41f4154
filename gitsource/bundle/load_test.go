package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadGoodBundle(t *testing.T) {
	dir := goodBundle(t)
	b, err := LoadDir(dir, Limits{})
	require.NoError(t, err)
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	require.NoError(t, err)
	sum := sha256.Sum256(raw)
	assert.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), b.Digest)
	assert.Equal(t, raw, b.ManifestBytes)
	assert.Equal(t, "platform", b.Manifest.Name)
	assert.Equal(t, int64(7), b.Manifest.Version)
	var paths []string
	for _, f := range b.Manifest.Files {
		paths = append(paths, f.Path)
	}
	assert.Equal(t, []string{".kyverno-test/kyverno-test.yaml", "README.md", "other.yml", "pods/team.yaml"}, paths,
		"every file but the manifest, the signatures and .git, sorted")
	assert.Equal(t, policyYAML("team"), string(b.Files["pods/team.yaml"]))
	assert.Len(t, b.Files, 4)
	assert.Equal(t, map[string][]byte{"release": []byte("c2ln\n")}, b.Signatures)
	assert.Equal(t, map[string][]byte{"ci": []byte("{}")}, b.SigstoreBundles)
	assert.Equal(t, []string{"other.yml", "pods/team.yaml"}, b.PolicyFiles(), "hidden folders hold tests")
}

func TestLoadFS(t *testing.T) {
	data := Render(manifestWith(File{"a.yaml", hexSum("a"), 1}))
	fsys := fstest.MapFS{
		ManifestFile: {Data: data},
		"a.yaml":     {Data: []byte("a")},
	}
	b, err := Load(fsys, Limits{})
	require.NoError(t, err)
	assert.Equal(t, []byte("a"), b.Files["a.yaml"])

	fsys["a.yaml"] = &fstest.MapFile{Data: []byte("b.yaml"), Mode: fs.ModeSymlink}
	_, err = Load(fsys, Limits{})
	assert.ErrorIs(t, err, ErrSymlink, "a file system that reports links")
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// rewriteManifest renders the bundle's manifest again after mut.
func rewriteManifest(t *testing.T, dir string, mut func(m *Manifest)) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	require.NoError(t, err)
	m, err := ParseManifest(raw)
	require.NoError(t, err)
	mut(m)
	require.NoError(t, os.WriteFile(filepath.Join(dir, ManifestFile), Render(m), 0o644))
}

func write(t *testing.T, dir, p, content string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(p))
	require.NoError(t, os.MkdirAll(filepath.Dir(full), 0o755))
	require.NoError(t, os.WriteFile(full, []byte(content), 0o644))
}

// TestLoadRefusals is the bad-bundle matrix: each case breaks a good bundle one way and expects its reason.
func TestLoadRefusals(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, "secret.yaml", "secret")
	tests := []struct {
		name    string
		breakIt func(t *testing.T, dir string)
		limits  Limits
		reason  Reason
		path    string
	}{
		{"no manifest", func(t *testing.T, dir string) { require.NoError(t, os.Remove(filepath.Join(dir, ManifestFile))) },
			Limits{}, ErrMissingManifest, ManifestFile},
		{"manifest not YAML", func(t *testing.T, dir string) { write(t, dir, ManifestFile, "{") }, Limits{}, ErrInvalidManifest, ManifestFile},
		{"manifest with unknown field", func(t *testing.T, dir string) {
			raw, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
			write(t, dir, ManifestFile, string(raw)+"trusted: true\n")
		}, Limits{}, ErrInvalidManifest, ManifestFile},
		{"zero version", func(t *testing.T, dir string) { rewriteManifest(t, dir, func(m *Manifest) { m.Version = 0 }) },
			Limits{}, ErrInvalidManifest, ManifestFile},
		{"manifest edited by hand", func(t *testing.T, dir string) {
			raw, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
			write(t, dir, ManifestFile, "# reviewed\n"+string(raw))
		}, Limits{}, ErrManifestNotCanonical, ManifestFile},
		{"files not sorted", func(t *testing.T, dir string) {
			rewriteManifest(t, dir, func(m *Manifest) { m.Files[0], m.Files[1] = m.Files[1], m.Files[0] })
		}, Limits{}, ErrFilesNotSorted, ".kyverno-test/kyverno-test.yaml"},
		{"file listed twice", func(t *testing.T, dir string) {
			rewriteManifest(t, dir, func(m *Manifest) { m.Files = append(m.Files[:2], m.Files[1:]...) })
		}, Limits{}, ErrDuplicatePath, "README.md"},
		{"path escapes", func(t *testing.T, dir string) {
			rewriteManifest(t, dir, func(m *Manifest) {
				m.Files = append([]File{{Path: "../" + filepath.Base(outside) + "/secret.yaml", SHA256: hexSum("secret"), Size: 6}}, m.Files...)
			})
		}, Limits{}, ErrPathEscape, "../" + filepath.Base(outside) + "/secret.yaml"},
		{"signature listed", func(t *testing.T, dir string) {
			rewriteManifest(t, dir, func(m *Manifest) {
				m.Files = append(m.Files, File{Path: "signatures/release.sig", SHA256: hexSum("c2ln\n"), Size: 5})
			})
		}, Limits{}, ErrReservedPath, "signatures/release.sig"},
		{"symbolic link out", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink(filepath.Join(outside, "secret.yaml"), filepath.Join(dir, "pods", "link.yaml")))
		}, Limits{}, ErrSymlink, "pods/link.yaml"},
		{"listed file replaced by a link", func(t *testing.T, dir string) {
			require.NoError(t, os.Remove(filepath.Join(dir, "README.md")))
			require.NoError(t, os.Symlink("other.yml", filepath.Join(dir, "README.md")))
		}, Limits{}, ErrSymlink, "README.md"},
		{"linked folder", func(t *testing.T, dir string) {
			require.NoError(t, os.Symlink(outside, filepath.Join(dir, "more")))
		}, Limits{}, ErrSymlink, "more"},
		{"named pipe", func(t *testing.T, dir string) {
			require.NoError(t, syscall.Mkfifo(filepath.Join(dir, "pods", "pipe"), 0o644))
		}, Limits{}, ErrSpecialFile, "pods/pipe"},
		{"extra file", func(t *testing.T, dir string) { write(t, dir, "pods/new.yaml", policyYAML("new")) },
			Limits{}, ErrExtraFile, "pods/new.yaml"},
		{"extra file with an unsafe name", func(t *testing.T, dir string) { write(t, dir, `pods\x.yaml`, "x") },
			Limits{}, ErrPathEscape, `pods\x.yaml`},
		{"missing file", func(t *testing.T, dir string) { require.NoError(t, os.Remove(filepath.Join(dir, "other.yml"))) },
			Limits{}, ErrMissingFile, "other.yml"},
		{"renamed file", func(t *testing.T, dir string) {
			require.NoError(t, os.Rename(filepath.Join(dir, "other.yml"), filepath.Join(dir, "other.yaml")))
		}, Limits{}, ErrMissingFile, "other.yml"},
		{"file grew", func(t *testing.T, dir string) { write(t, dir, "README.md", "# policies!\n") },
			Limits{}, ErrSizeMismatch, "README.md"},
		{"manifest size edited", func(t *testing.T, dir string) {
			rewriteManifest(t, dir, func(m *Manifest) { m.Files[1].Size++ })
		}, Limits{}, ErrSizeMismatch, "README.md"},
		{"file changed", func(t *testing.T, dir string) { write(t, dir, "README.md", "# POLICIES\n") },
			Limits{}, ErrDigestMismatch, "README.md"},
		{"policy changed", func(t *testing.T, dir string) {
			write(t, dir, "pods/team.yaml", strings.Replace(policyYAML("team"), `"?*"`, `"*?"`, 1))
		}, Limits{}, ErrDigestMismatch, "pods/team.yaml"},
		{"file too large", func(*testing.T, string) {}, Limits{MaxFileBytes: 100}, ErrTooLarge, ""},
		{"bundle too large", func(*testing.T, string) {}, Limits{MaxTotalBytes: 1000}, ErrTooLarge, ""},
		{"too many files", func(*testing.T, string) {}, Limits{MaxFiles: 6}, ErrTooManyFiles, ""},
		{"signature too large", func(t *testing.T, dir string) {
			write(t, dir, "signatures/big.sig", strings.Repeat("A", MaxSignatureBytes+1))
		}, Limits{}, ErrTooLarge, "signatures/big.sig"},
		{"stray file in signatures", func(t *testing.T, dir string) { write(t, dir, "signatures/notes.txt", "x") },
			Limits{}, ErrInvalidSignatureFile, "signatures/notes.txt"},
		{"bad signer name", func(t *testing.T, dir string) { write(t, dir, "signatures/Release.sig", "x") },
			Limits{}, ErrInvalidSignatureFile, "signatures/Release.sig"},
		{"folder in signatures", func(t *testing.T, dir string) { write(t, dir, "signatures/old/release.sig", "x") },
			Limits{}, ErrInvalidSignatureFile, "signatures/old"},
		{"two signatures for one signer", func(t *testing.T, dir string) { write(t, dir, "signatures/release.sigstore.json", "{}") },
			Limits{}, ErrInvalidSignatureFile, "signatures/release.sigstore.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := goodBundle(t)
			tt.breakIt(t, dir)
			b, err := LoadDir(dir, tt.limits)
			require.Error(t, err)
			assert.Nil(t, b)
			var re *RefusalError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.reason, re.Reason, "%v", err)
			if tt.path != "" {
				assert.Equal(t, tt.path, re.Path, "%v", err)
			}
		})
	}
}

func TestLoadDirRefusesALinkedFolder(t *testing.T) {
	dir := goodBundle(t)
	link := filepath.Join(t.TempDir(), "bundle")
	require.NoError(t, os.Symlink(dir, link))
	_, err := LoadDir(link, Limits{})
	assert.ErrorIs(t, err, ErrSymlink)
	_, err = LoadDir(filepath.Join(t.TempDir(), "absent"), Limits{})
	assert.ErrorIs(t, err, ErrUnreadable)
}

func TestLoadCountsEverythingAgainstTheLimits(t *testing.T) {
	dir := goodBundle(t)
	// the good bundle: 4 listed files, the manifest and 2 signature files
	_, err := LoadDir(dir, Limits{MaxFiles: 7})
	assert.NoError(t, err)
	_, err = LoadDir(dir, Limits{MaxFiles: 6})
	assert.ErrorIs(t, err, ErrTooManyFiles)
}
