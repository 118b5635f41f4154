package bundle

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// Limits bound what Load and Build read. Zero fields take the defaults.
type Limits struct {
	// MaxFileBytes bounds every file, the manifest included (default 2 MiB).
	MaxFileBytes int64
	// MaxTotalBytes bounds the sum of all files (default 32 MiB).
	MaxTotalBytes int64
	// MaxFiles bounds the number of files, the manifest and signatures included (default 5000).
	MaxFiles int
}

// Default limits, and the bound of one signature file.
const (
	DefaultMaxFileBytes  = 2 << 20
	DefaultMaxTotalBytes = 32 << 20
	DefaultMaxFiles      = 5000
	MaxSignatureBytes    = 64 << 10
)

// Signature file suffixes: a key signature as `cosign sign-blob` prints it, and a sigstore bundle (keyless).
const (
	SignatureSuffix      = ".sig"
	SigstoreBundleSuffix = ".sigstore.json"
)

// WithDefaults returns l with zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = DefaultMaxFileBytes
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = DefaultMaxTotalBytes
	}
	if l.MaxFiles <= 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	return l
}

// listing is what a folder holds: the files a manifest must list, and whether the manifest and which signature
// files are there, each with its size.
type listing struct {
	files      map[string]int64
	manifest   int64 // -1 when absent
	signatures map[string]int64
	total      int64
}

// scan walks a bundle folder, refusing links, special files, unsafe names and folders over the limits. The .git
// entry at the top is skipped. With strictSignatures, signatures/ may hold only valid signature files.
func scan(fsys fs.FS, lim Limits, strictSignatures bool) (*listing, error) {
	l := &listing{files: map[string]int64{}, manifest: -1, signatures: map[string]int64{}}
	count := 0
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return Refuse(ErrUnreadable, p, "%w", err)
		}
		if p == "." || p == gitDir {
			if p == gitDir && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if err := checkEntry(p, d, strictSignatures); err != nil || d.IsDir() {
			return err
		}
		if count++; count > lim.MaxFiles {
			return Refuse(ErrTooManyFiles, "", "more than %d files", lim.MaxFiles)
		}
		size, err := entrySize(p, d, lim)
		if err != nil {
			return err
		}
		if l.total += size; l.total > lim.MaxTotalBytes {
			return Refuse(ErrTooLarge, "", "the bundle holds more than %d bytes", lim.MaxTotalBytes)
		}
		l.add(p, size)
		return nil
	})
	if err != nil {
		return nil, asRefusal(err)
	}
	if strictSignatures {
		if err := checkSignerPairs(l.signatures); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *listing) add(p string, size int64) {
	switch top, _, _ := strings.Cut(p, "/"); {
	case p == ManifestFile:
		l.manifest = size
	case top == SignaturesDir:
		l.signatures[p] = size
	default:
		l.files[p] = size
	}
}

// checkEntry refuses links, special files, unsafe names and, with strictSignatures, anything under signatures/ but
// signature files.
func checkEntry(p string, d fs.DirEntry, strictSignatures bool) error {
	typ := d.Type()
	switch {
	case typ&fs.ModeSymlink != 0:
		return Refuse(ErrSymlink, p, "symbolic links are not allowed in a bundle")
	case !d.IsDir() && !typ.IsRegular():
		return Refuse(ErrSpecialFile, p, "not a regular file (%s)", typ)
	}
	if err := checkPath(p); err != nil {
		return err
	}
	top, rest, nested := strings.Cut(p, "/")
	if !strictSignatures || top != SignaturesDir {
		return nil
	}
	switch {
	case !nested && !d.IsDir():
		return Refuse(ErrInvalidSignatureFile, p, "%s must be a folder", SignaturesDir)
	case nested && (d.IsDir() || strings.Contains(rest, "/")):
		return Refuse(ErrInvalidSignatureFile, p, "%s/ holds no folders", SignaturesDir)
	case nested:
		_, err := signerOf(p)
		return err
	}
	return nil
}

func entrySize(p string, d fs.DirEntry, lim Limits) (int64, error) {
	info, err := d.Info()
	if err != nil {
		return 0, Refuse(ErrUnreadable, p, "%w", err)
	}
	limit := lim.FileLimit(p)
	if info.Size() > limit {
		return 0, Refuse(ErrTooLarge, p, "%d bytes, more than %d", info.Size(), limit)
	}
	return info.Size(), nil
}

// FileLimit is the most bytes the file at p (slash-separated, relative to the bundle folder) may hold:
// MaxFileBytes, and at most MaxSignatureBytes under signatures/. l must have its defaults set.
func (l Limits) FileLimit(p string) int64 {
	if strings.HasPrefix(p, SignaturesDir+"/") {
		return min(l.MaxFileBytes, MaxSignatureBytes)
	}
	return l.MaxFileBytes
}

// signerOf returns the signer a signature file is named after.
func signerOf(p string) (string, error) {
	name := path.Base(p)
	signer, ok := strings.CutSuffix(name, SigstoreBundleSuffix)
	if !ok {
		signer, ok = strings.CutSuffix(name, SignatureSuffix)
	}
	if !ok {
		return "", Refuse(ErrInvalidSignatureFile, p, "want %s/<signer>%s or <signer>%s",
			SignaturesDir, SignatureSuffix, SigstoreBundleSuffix)
	}
	if err := CheckSignerName(signer); err != nil {
		return "", Refuse(ErrInvalidSignatureFile, p, "%w", err)
	}
	return signer, nil
}

// checkSignerPairs refuses a signer that has both a key signature and a sigstore bundle.
func checkSignerPairs(sigs map[string]int64) error {
	seen := map[string]string{}
	for p := range sigs {
		signer, _ := signerOf(p) // checked by scan
		if other, ok := seen[signer]; ok {
			first, second := min(p, other), max(p, other)
			return Refuse(ErrInvalidSignatureFile, second, "signer %s also has %s", signer, first)
		}
		seen[signer] = p
	}
	return nil
}

// CheckSignerName refuses a signer (or key) name that is not a DNS label: lower-case letters, digits and '-', at
// most 63 characters.
func CheckSignerName(name string) error {
	if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
		return fmt.Errorf("signer name %q: %s", name, strings.Join(errs, "; "))
	}
	return nil
}

// readFile reads one file of at most limit bytes, refusing what is not a regular file.
func readFile(fsys fs.FS, p string, limit int64) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, Refuse(ErrMissingFile, p, "%w", err)
		}
		return nil, Refuse(ErrUnreadable, p, "%w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, Refuse(ErrUnreadable, p, "%w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, Refuse(ErrSpecialFile, p, "not a regular file (%s)", info.Mode().Type())
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, Refuse(ErrUnreadable, p, "%w", err)
	}
	if int64(len(data)) > limit {
		return nil, Refuse(ErrTooLarge, p, "more than %d bytes", limit)
	}
	return data, nil
}

// asRefusal keeps refusals as they are and makes any other error an ErrUnreadable refusal.
func asRefusal(err error) error {
	var re *RefusalError
	if errors.As(err, &re) {
		return re
	}
	return Refuse(ErrUnreadable, "", "%w", err)
}
