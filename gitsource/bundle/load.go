package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"slices"
	"sort"
	"strings"
)

// Bundle is a bundle read by Load: its files are exactly the listed ones, with matching sizes and digests. Its
// signatures are not verified yet (package verify does that).
type Bundle struct {
	Manifest Manifest
	// ManifestBytes are bundle.yaml as read: what signatures are made over.
	ManifestBytes []byte
	// Digest is "sha256:<hex>" of ManifestBytes; it identifies the bundle.
	Digest string
	// Files are the listed files' contents by path.
	Files map[string][]byte
	// Signatures are the contents of signatures/<signer>.sig by signer.
	Signatures map[string][]byte
	// SigstoreBundles are the contents of signatures/<signer>.sigstore.json by signer (keyless; not verified by
	// package verify).
	SigstoreBundles map[string][]byte
}

// PolicyFiles returns the paths of the files loaded as policies (see IsPolicyFile), sorted.
func (b *Bundle) PolicyFiles() []string {
	var out []string
	for _, f := range b.Manifest.Files {
		if IsPolicyFile(f.Path) {
			out = append(out, f.Path)
		}
	}
	return out
}

// LoadDir is Load on a folder of the local file system, opened with os.OpenRoot so that nothing outside it is read.
// The folder itself must not be a symbolic link.
func LoadDir(dir string, lim Limits) (*Bundle, error) {
	info, err := os.Lstat(dir)
	if err != nil {
		return nil, Refuse(ErrUnreadable, dir, "%w", err)
	}
	if info.Mode()&fs.ModeSymlink != 0 {
		return nil, Refuse(ErrSymlink, dir, "the bundle folder is a symbolic link")
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, Refuse(ErrUnreadable, dir, "%w", err)
	}
	defer root.Close()
	return Load(root.FS(), lim)
}

// Load reads the bundle at the root of fsys and checks it: a canonical, valid manifest; exactly the listed files
// (ErrMissingFile, ErrExtraFile) plus the manifest and signature files; matching sizes and digests; safe paths; no
// symbolic links or special files; everything within lim. fsys must report symbolic links in its directory entries
// (os.DirFS and os.Root.FS do). Any refusal is a *RefusalError.
func Load(fsys fs.FS, lim Limits) (*Bundle, error) {
	lim = lim.WithDefaults()
	l, err := scan(fsys, lim, true)
	if err != nil {
		return nil, err
	}
	if l.manifest < 0 {
		return nil, Refuse(ErrMissingManifest, ManifestFile, "the folder has no %s", ManifestFile)
	}
	raw, err := readFile(fsys, ManifestFile, lim.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(raw)
	if err != nil {
		return nil, err
	}
	if err := matchListing(m, l); err != nil {
		return nil, err
	}
	b := &Bundle{Manifest: *m, ManifestBytes: raw, Digest: Digest(raw), Files: make(map[string][]byte, len(m.Files)),
		Signatures: map[string][]byte{}, SigstoreBundles: map[string][]byte{}}
	total := int64(len(raw))
	for _, f := range m.Files {
		data, err := readFile(fsys, f.Path, lim.MaxFileBytes)
		if err != nil {
			return nil, err
		}
		if total += int64(len(data)); total > lim.MaxTotalBytes {
			return nil, Refuse(ErrTooLarge, "", "the bundle holds more than %d bytes", lim.MaxTotalBytes)
		}
		if err := checkContent(f, data); err != nil {
			return nil, err
		}
		b.Files[f.Path] = data
	}
	return b, readSignatures(fsys, l, b)
}

// matchListing compares the folder with the manifest: every listed file is there with its size, nothing else is.
func matchListing(m *Manifest, l *listing) error {
	listed := make(map[string]bool, len(m.Files))
	for _, f := range m.Files {
		listed[f.Path] = true
		size, ok := l.files[f.Path]
		if !ok {
			return Refuse(ErrMissingFile, f.Path, "listed in the manifest but not in the folder")
		}
		if size != f.Size {
			return Refuse(ErrSizeMismatch, f.Path, "%d bytes, the manifest says %d", size, f.Size)
		}
	}
	var extra []string
	for p := range l.files {
		if !listed[p] {
			extra = append(extra, p)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return Refuse(ErrExtraFile, extra[0], "not listed in the manifest (%d unlisted file(s): %s)", len(extra), summary(extra))
	}
	return nil
}

func checkContent(f File, data []byte) error {
	if int64(len(data)) != f.Size {
		return Refuse(ErrSizeMismatch, f.Path, "%d bytes, the manifest says %d", len(data), f.Size)
	}
	sum := sha256.Sum256(data)
	if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
		return Refuse(ErrDigestMismatch, f.Path, "sha256 %s, the manifest says %s", got, f.SHA256)
	}
	return nil
}

func readSignatures(fsys fs.FS, l *listing, b *Bundle) error {
	for _, p := range slices.Sorted(maps.Keys(l.signatures)) {
		data, err := readFile(fsys, p, MaxSignatureBytes)
		if err != nil {
			return err
		}
		signer, _ := signerOf(p) // checked by scan
		if strings.HasSuffix(path.Base(p), SigstoreBundleSuffix) {
			b.SigstoreBundles[signer] = data
		} else {
			b.Signatures[signer] = data
		}
	}
	return nil
}

// summary names up to three paths.
func summary(paths []string) string {
	if len(paths) <= 3 {
		return strings.Join(paths, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(paths[:3], ", "), len(paths)-3)
}
