package bundle

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/manifest"
)

// Manifest identity and well-known paths.
const (
	APIVersion    = "bylaw.dev/v1alpha1"
	Kind          = "Bundle"
	ManifestFile  = "bundle.yaml"
	SignaturesDir = "signatures"
)

// Manifest is bundle.yaml.
type Manifest struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	// Name identifies the bundle (a DNS subdomain); a source can insist on it (CheckName).
	Name string `json:"name"`
	// Version is positive and grows with every release; a lower version than the one in force is a rollback.
	Version int64 `json:"version"`
	// Expires, when set, is the instant from which the bundle is refused.
	Expires *time.Time `json:"expires,omitempty"`
	// Files are every file of the bundle but the manifest and the signatures, sorted by path.
	Files []File `json:"files"`
}

// File is one listed file.
type File struct {
	// Path is relative to the bundle folder, slash-separated.
	Path string `json:"path"`
	// SHA256 is the lower-case hex sha256 of the content.
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// ParseManifest decodes and checks a manifest: strict YAML (unknown and duplicate fields are errors), valid fields,
// files sorted with unique, safe paths, and the bytes in the canonical form Render writes.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := (manifest.Limits{MaxBytes: DefaultMaxFileBytes}).Check(data); err != nil {
		return nil, Refuse(ErrInvalidManifest, ManifestFile, "%w", err)
	}
	if err := yaml.UnmarshalStrict(data, &m); err != nil {
		return nil, Refuse(ErrInvalidManifest, ManifestFile, "%w", err)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if !bytes.Equal(Render(&m), data) {
		return nil, Refuse(ErrManifestNotCanonical, ManifestFile,
			"not in the canonical form `bylaw bundle build` writes (comments, reordered fields, other quoting or indentation)")
	}
	return &m, nil
}

// Validate checks the fields: identity, name, version, digests, and that paths are safe, unique and sorted.
func (m *Manifest) Validate() error {
	invalid := func(format string, args ...any) error {
		return Refuse(ErrInvalidManifest, ManifestFile, format, args...)
	}
	switch {
	case m.APIVersion != APIVersion || m.Kind != Kind:
		return invalid("apiVersion/kind is %q/%q, want %s/%s", m.APIVersion, m.Kind, APIVersion, Kind)
	case len(validation.IsDNS1123Subdomain(m.Name)) > 0:
		return invalid("name %q: %s", m.Name, strings.Join(validation.IsDNS1123Subdomain(m.Name), "; "))
	case m.Version <= 0:
		return invalid("version is %d, want a positive integer", m.Version)
	case m.Expires != nil && m.Expires.IsZero():
		return invalid("expires is the zero time")
	}
	folded := make(map[string]string, len(m.Files))
	for i, f := range m.Files {
		if err := checkListedPath(f.Path); err != nil {
			return err
		}
		if len(f.SHA256) != sha256.Size*2 || strings.ToLower(f.SHA256) != f.SHA256 || !isHex(f.SHA256) {
			return invalid("files[%d] %s: sha256 %q is not 64 lower-case hex digits", i, f.Path, f.SHA256)
		}
		if f.Size < 0 {
			return invalid("files[%d] %s: negative size %d", i, f.Path, f.Size)
		}
		if i > 0 && f.Path == m.Files[i-1].Path {
			return Refuse(ErrDuplicatePath, f.Path, "listed twice")
		}
		if i > 0 && f.Path < m.Files[i-1].Path {
			return Refuse(ErrFilesNotSorted, f.Path, "listed after %s", m.Files[i-1].Path)
		}
		if other, ok := folded[strings.ToLower(f.Path)]; ok {
			return Refuse(ErrDuplicatePath, f.Path, "differs from %s only in letter case", other)
		}
		folded[strings.ToLower(f.Path)] = f.Path
	}
	return nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

// Render writes the canonical form of m: fixed field order, two-space indentation, every string double-quoted,
// expiry in RFC 3339 UTC with whole seconds, files in the order given, a final newline.
func Render(m *Manifest) []byte {
	var b bytes.Buffer
	b.WriteString("apiVersion: " + m.APIVersion + "\n")
	b.WriteString("kind: " + m.Kind + "\n")
	b.WriteString("name: " + quote(m.Name) + "\n")
	b.WriteString("version: " + strconv.FormatInt(m.Version, 10) + "\n")
	if m.Expires != nil {
		b.WriteString("expires: " + quote(m.Expires.UTC().Format(time.RFC3339)) + "\n")
	}
	if len(m.Files) == 0 {
		b.WriteString("files: []\n")
		return b.Bytes()
	}
	b.WriteString("files:\n")
	for _, f := range m.Files {
		b.WriteString("  - path: " + quote(f.Path) + "\n")
		b.WriteString("    sha256: " + quote(f.SHA256) + "\n")
		b.WriteString("    size: " + strconv.FormatInt(f.Size, 10) + "\n")
	}
	return b.Bytes()
}

// quote writes s as a JSON string, which is also a YAML double-quoted scalar.
func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}

// Digest is the manifest digest that identifies a bundle: "sha256:" and the hex sha256 of its bytes.
func Digest(manifest []byte) string {
	sum := sha256.Sum256(manifest)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// CheckFreshness refuses a bundle that has expired at now (ErrExpired) or whose version is lower than minVersion, the
// version in force (ErrRollback). A minVersion of 0 disables the rollback check.
func CheckFreshness(m *Manifest, now time.Time, minVersion int64) error {
	if err := CheckExpiry(m, now); err != nil {
		return err
	}
	return CheckVersion(m, minVersion)
}

// CheckExpiry refuses a bundle that has expired at now (ErrExpired): the expiry instant itself is expired.
func CheckExpiry(m *Manifest, now time.Time) error {
	if m.Expires != nil && !now.Before(*m.Expires) {
		return Refuse(ErrExpired, "", "bundle %s version %d expired at %s", m.Name, m.Version, m.Expires.UTC().Format(time.RFC3339))
	}
	return nil
}

// CheckVersion refuses a bundle whose version is lower than minVersion, the version in force (ErrRollback).
func CheckVersion(m *Manifest, minVersion int64) error {
	if m.Version < minVersion {
		return Refuse(ErrRollback, "", "bundle %s version %d is lower than version %d in force", m.Name, m.Version, minVersion)
	}
	return nil
}

// CheckName refuses a bundle whose name is not want (ErrNameMismatch), so that a bundle signed for one place cannot
// be served in another; an empty want accepts any name.
func CheckName(m *Manifest, want string) error {
	if want != "" && m.Name != want {
		return Refuse(ErrNameMismatch, "", "bundle is named %q, want %q", m.Name, want)
	}
	return nil
}
