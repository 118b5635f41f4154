package fetch

import (
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/blang/semver/v4"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/bylaw-dev/bylaw/gitremote"
)

// DefaultTimeout bounds a Fetch whose Options.Timeout is zero.
const DefaultTimeout = 60 * time.Second

// Ref names the revision to fetch. Exactly one field must be set.
type Ref struct {
	// Branch is a branch name such as "main".
	Branch string
	// Tag is a tag name such as "v1.2.0".
	Tag string
	// SemVer is a range such as ">=1.2.0 <2.0.0" (blang/semver syntax),
	// matched against the tags; tags may carry a leading "v". The highest
	// matching version wins.
	SemVer string
	// Commit is a full 40-hex SHA-1 commit hash.
	Commit string
}

// Auth holds the credentials of a fetch; see gitremote.Auth.
type Auth = gitremote.Auth

// AuthFromSecretData builds Auth from the data of a Secret using Flux's keys
// (username, password, bearerToken, identity, known_hosts).
func AuthFromSecretData(data map[string][]byte) Auth { return gitremote.AuthFromSecretData(data) }

// Options describe one fetch.
type Options struct {
	// URL of the repository: http(s)://, ssh:// or scp-like user@host:path.
	URL string
	// Ref selects the revision.
	Ref Ref
	// Auth holds the credentials, if any.
	Auth Auth
	// Timeout bounds the whole fetch, lock wait included; DefaultTimeout when zero.
	Timeout time.Duration
	// CacheDir is the folder holding one bare repository per URL.
	CacheDir string
	// Verify, when set, asks for an OpenPGP signature check.
	Verify *Verification
	// MaxObjectBytes bounds every git object the fetch receives (DefaultMaxObjectBytes when zero): go-git holds
	// each object of a pack in memory once while it indexes the pack, so a larger object fails the fetch
	// (ErrTooLarge) before it is read. Bundle files have their own, smaller bounds (Result.ReadDir).
	MaxObjectBytes int64
}

// kind returns which ref field is set, or an error unless exactly one is.
func (r Ref) kind() (string, error) {
	set := []string{}
	for name, v := range map[string]string{"branch": r.Branch, "tag": r.Tag, "semver": r.SemVer, "commit": r.Commit} {
		if v != "" {
			set = append(set, name)
		}
	}
	if len(set) != 1 {
		return "", fmt.Errorf("exactly one of branch, tag, semver or commit must be set, got %d", len(set))
	}
	return set[0], nil
}

// validate checks the options before any I/O and returns the semver range
// when Ref.SemVer is set.
func (o Options) validate() (semver.Range, error) {
	if o.URL == "" {
		return nil, errors.New("URL is empty")
	}
	if o.CacheDir == "" {
		return nil, errors.New("CacheDir is empty")
	}
	kind, err := o.Ref.kind()
	if err != nil {
		return nil, err
	}
	if o.Verify != nil {
		if err := o.Verify.validate(kind); err != nil {
			return nil, err
		}
	}
	switch kind {
	case "branch":
		if err := plumbing.NewBranchReferenceName(o.Ref.Branch).Validate(); err != nil {
			return nil, fmt.Errorf("branch %q: %w", o.Ref.Branch, err)
		}
	case "tag":
		if err := plumbing.NewTagReferenceName(o.Ref.Tag).Validate(); err != nil {
			return nil, fmt.Errorf("tag %q: %w", o.Ref.Tag, err)
		}
	case "commit":
		if b, err := hex.DecodeString(o.Ref.Commit); err != nil || len(b) != 20 {
			return nil, fmt.Errorf("commit %q is not a 40-hex SHA-1", o.Ref.Commit)
		}
	case "semver":
		rng, err := semver.ParseRange(o.Ref.SemVer)
		if err != nil {
			return nil, fmt.Errorf("semver range %q: %w", o.Ref.SemVer, err)
		}
		return rng, nil
	}
	return nil, nil
}

func (o Options) maxObjectBytes() int64 {
	if o.MaxObjectBytes > 0 {
		return o.MaxObjectBytes
	}
	return DefaultMaxObjectBytes
}

func (o Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}
