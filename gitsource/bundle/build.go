package bundle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/bylaw-dev/bylaw/policy"
)

// BuildOptions are what Build writes into the manifest, and how it checks the folder.
type BuildOptions struct {
	// Name of the bundle (a DNS subdomain).
	Name string
	// Version of the bundle, positive; it must grow with every release.
	Version int64
	// Expires, when set, is when the bundle stops being accepted (stored in UTC, whole seconds).
	Expires *time.Time
	// Loader loads every policy file to check it; required.
	Loader *policy.Loader
	// Limits are those the bundle must fit to be loadable; zero fields take the defaults.
	Limits Limits
	// Now is the current time, for refusing an expiry in the past; nil means time.Now.
	Now func() time.Time
}

// Build lists every file of the folder dir (but bundle.yaml, signatures/ and a top-level .git), checks every policy
// file with o.Loader, and writes bundle.yaml in its canonical form; it returns the manifest's bytes. It refuses
// (with a *RefusalError) symbolic links, special files, unsafe names, folders over the limits, a policy document
// that does not load (ErrInvalidPolicy, naming file, document and field) and invalid options. Signatures made over
// an earlier manifest no longer verify once it changes. When ctx is done it stops between files and returns the
// context's cause (not a refusal), writing nothing.
func Build(ctx context.Context, dir string, o BuildOptions) ([]byte, error) {
	if o.Loader == nil {
		return nil, errors.New("bundle build: no policy loader")
	}
	m, err := o.manifest()
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, Refuse(ErrUnreadable, dir, "%w", err)
	}
	defer root.Close()
	lim := o.Limits.WithDefaults()
	l, err := scan(root.FS(), lim, false)
	if err != nil {
		return nil, err
	}
	if m.Files, err = listFiles(ctx, root.FS(), l, lim, o.Loader); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	data := Render(m)
	if int64(len(data)) > lim.MaxFileBytes || l.total-max(l.manifest, 0)+int64(len(data)) > lim.MaxTotalBytes {
		return nil, Refuse(ErrTooLarge, ManifestFile, "the manifest (%d bytes) does not fit the limits", len(data))
	}
	if err := writeAtomic(root, ManifestFile, data); err != nil {
		return nil, err
	}
	return data, nil
}

func (o BuildOptions) manifest() (*Manifest, error) {
	m := &Manifest{APIVersion: APIVersion, Kind: Kind, Name: o.Name, Version: o.Version}
	if o.Expires != nil {
		now := time.Now
		if o.Now != nil {
			now = o.Now
		}
		exp := o.Expires.UTC().Truncate(time.Second)
		if !now().Before(exp) {
			return nil, Refuse(ErrExpired, "", "expiry %s is not in the future", exp.Format(time.RFC3339))
		}
		m.Expires = &exp
	}
	return m, m.Validate() // files are checked again once listed
}

// listFiles reads every file, digests it and loads the policy files, gathering every load error.
func listFiles(ctx context.Context, fsys fs.FS, l *listing, lim Limits, loader *policy.Loader) ([]File, error) {
	var files []File
	var loadErrs []error
	for _, p := range slices.Sorted(maps.Keys(l.files)) {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("bundle build stopped: %w", context.Cause(ctx))
		}
		data, err := readFile(fsys, p, lim.MaxFileBytes)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		files = append(files, File{Path: p, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))})
		if IsPolicyFile(p) {
			for _, e := range loader.LoadBytes(p, data).Errors {
				loadErrs = append(loadErrs, e)
			}
		}
	}
	if len(loadErrs) > 0 {
		return nil, &RefusalError{Reason: ErrInvalidPolicy, Err: errors.Join(loadErrs...)}
	}
	return files, nil
}

// writeAtomic writes name inside root through a temporary file and a rename.
func writeAtomic(root *os.Root, name string, data []byte) error {
	tmp := fmt.Sprintf(".%s.%d.tmp", name, os.Getpid())
	if err := root.WriteFile(tmp, data, 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := root.Rename(tmp, name); err != nil {
		_ = root.Remove(tmp)
		return fmt.Errorf("writing %s: %w", name, err)
	}
	return nil
}
