// Package bundlerepo publishes signed policy bundles to a git repository, for tests: it writes policy files under a
// folder of a local clone, builds bundle.yaml with package bundle, signs it with package verify, commits and pushes to
// branch main of the remote.
package bundlerepo

import (
	"crypto"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
	"github.com/bylaw-dev/bylaw/policy"
)

// Repo is a local clone whose bundle lives in Dir()/Path.
type Repo struct {
	// SignKey, when set, signs every commit (OpenPGP).
	SignKey *openpgp.Entity

	t    testing.TB
	dir  string
	path string
	git  *git.Repository
}

// New makes a clone of nothing that pushes to url; the bundle is written in folder path.
func New(t testing.TB, url, path string) *Repo {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	require.NoError(t, err)
	_, err = r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}})
	require.NoError(t, err)
	return &Repo{t: t, dir: dir, path: path, git: r}
}

// BundleDir is the bundle's folder in the clone.
func (r *Repo) BundleDir() string { return filepath.Join(r.dir, r.path) }

// Bundle describes one release.
type Bundle struct {
	Name     string // default "platform"
	Version  int64
	Expires  *time.Time
	Policies map[string]string // file -> content
	// Signers are signature files to write: name -> key.
	Signers map[string]crypto.Signer
	// Tamper runs on the bundle folder after signing.
	Tamper func(dir string)
}

// Publish writes, builds, signs, tampers, commits and pushes b.
func (r *Repo) Publish(b Bundle) {
	r.t.Helper()
	dir := r.BundleDir()
	require.NoError(r.t, os.RemoveAll(dir))
	require.NoError(r.t, os.MkdirAll(dir, 0o755))
	for file, content := range b.Policies {
		require.NoError(r.t, os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644))
	}
	name := b.Name
	if name == "" {
		name = "platform"
	}
	manifest, err := bundle.Build(r.t.Context(), dir, bundle.BuildOptions{Name: name, Version: b.Version, Expires: b.Expires,
		Loader: policy.NewLoader(engine.New()), Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	require.NoError(r.t, err)
	for signer, key := range b.Signers {
		r.Sign(manifest, signer, key)
	}
	if b.Tamper != nil {
		b.Tamper(dir)
	}
	r.Push(fmt.Sprintf("bundle %s version %d", name, b.Version))
}

// Sign writes signatures/<signer>.sig over manifest (not pushed).
func (r *Repo) Sign(manifest []byte, signer string, key crypto.Signer) {
	r.t.Helper()
	sig, err := verify.Sign(manifest, key)
	require.NoError(r.t, err)
	require.NoError(r.t, os.MkdirAll(filepath.Join(r.BundleDir(), "signatures"), 0o755))
	require.NoError(r.t, os.WriteFile(filepath.Join(r.BundleDir(), "signatures", signer+".sig"), sig, 0o644))
}

// Manifest returns the bundle.yaml of the clone.
func (r *Repo) Manifest() []byte {
	r.t.Helper()
	data, err := os.ReadFile(filepath.Join(r.BundleDir(), "bundle.yaml"))
	require.NoError(r.t, err)
	return data
}

// Push commits everything in the clone and pushes it to main.
func (r *Repo) Push(msg string) {
	r.t.Helper()
	wt, err := r.git.Worktree()
	require.NoError(r.t, err)
	require.NoError(r.t, wt.AddWithOptions(&git.AddOptions{All: true}))
	_, err = wt.Commit(msg, &git.CommitOptions{AllowEmptyCommits: true, SignKey: r.SignKey,
		Author: &object.Signature{Name: "ci", Email: "ci@example.com", When: time.Now()}})
	require.NoError(r.t, err)
	err = r.git.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"+refs/heads/master:refs/heads/main"}})
	if !errors.Is(err, git.NoErrAlreadyUpToDate) {
		require.NoError(r.t, err)
	}
}
