package fetch

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/go-git/go-billy/v5/memfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/require"
)

// symlinkPrefix marks a file content as a symbolic link to the rest.
const symlinkPrefix = "symlink:"

// pusher builds history in an in-memory go-git repository and pushes it to
// the test server.
type pusher struct {
	tb   testing.TB
	repo *git.Repository
	wt   *git.Worktree
	when time.Time
}

func newPusher(tb testing.TB, url string) *pusher {
	tb.Helper()
	repo, err := git.InitWithOptions(memory.NewStorage(), memfs.New(),
		git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")})
	require.NoError(tb, err)
	_, err = repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}})
	require.NoError(tb, err)
	wt, err := repo.Worktree()
	require.NoError(tb, err)
	return &pusher{tb: tb, repo: repo, wt: wt, when: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func (p *pusher) signature() *object.Signature {
	p.when = p.when.Add(time.Minute)
	return &object.Signature{Name: "Test", Email: "test@example.com", When: p.when}
}

// commit writes files (a value "symlink:x" makes a link to x), commits them
// on the current branch, signed when key is not nil, and returns the hash.
func (p *pusher) commit(msg string, files map[string]string, key *openpgp.Entity) string {
	p.tb.Helper()
	fs := p.wt.Filesystem
	for name, data := range files {
		if target, ok := strings.CutPrefix(data, symlinkPrefix); ok {
			require.NoError(p.tb, fs.Symlink(target, name))
			continue
		}
		f, err := fs.Create(name)
		require.NoError(p.tb, err)
		_, err = f.Write([]byte(data))
		require.NoError(p.tb, errors.Join(err, f.Close()))
	}
	require.NoError(p.tb, p.wt.AddWithOptions(&git.AddOptions{All: true}))
	hash, err := p.wt.Commit(msg, &git.CommitOptions{Author: p.signature(), SignKey: key, AllowEmptyCommits: true})
	require.NoError(p.tb, err)
	return hash.String()
}

// branch switches to branch, creating it from HEAD if needed.
func (p *pusher) branch(name string) {
	p.tb.Helper()
	ref := plumbing.NewBranchReferenceName(name)
	_, err := p.repo.Reference(ref, false)
	require.NoError(p.tb, p.wt.Checkout(&git.CheckoutOptions{Branch: ref, Create: err != nil}))
}

// tag tags commit; annotated when msg is not empty, signed when key is set.
func (p *pusher) tag(name, commit, msg string, key *openpgp.Entity) {
	p.tb.Helper()
	var opts *git.CreateTagOptions
	if msg != "" {
		opts = &git.CreateTagOptions{Tagger: p.signature(), Message: msg, SignKey: key}
	}
	_, err := p.repo.CreateTag(name, plumbing.NewHash(commit), opts)
	require.NoError(p.tb, err)
}

// storeCommit stores a hand-made commit object (for signatures go-git
// cannot produce) on top of HEAD and moves the current branch to it.
func (p *pusher) storeCommit(msg, signature string) string {
	p.tb.Helper()
	head, err := p.repo.Head()
	require.NoError(p.tb, err)
	parent, err := p.repo.CommitObject(head.Hash())
	require.NoError(p.tb, err)
	c := &object.Commit{
		Author: *p.signature(), Committer: *p.signature(), Message: msg,
		TreeHash: parent.TreeHash, ParentHashes: []plumbing.Hash{parent.Hash}, PGPSignature: signature,
	}
	obj := p.repo.Storer.NewEncodedObject()
	require.NoError(p.tb, c.Encode(obj))
	hash, err := p.repo.Storer.SetEncodedObject(obj)
	require.NoError(p.tb, err)
	require.NoError(p.tb, p.repo.Storer.SetReference(plumbing.NewHashReference(head.Name(), hash)))
	return hash.String()
}

// push sends every branch and tag, forcing.
func (p *pusher) push() {
	p.tb.Helper()
	err := p.repo.Push(&git.PushOptions{
		RemoteName: "origin",
		RefSpecs:   []config.RefSpec{"+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"},
	})
	if !errors.Is(err, git.NoErrAlreadyUpToDate) {
		require.NoError(p.tb, err)
	}
}

// newPGPKey returns a new ed25519 OpenPGP key and its armored public part.
func newPGPKey(tb testing.TB, name string) (*openpgp.Entity, []byte) {
	tb.Helper()
	e, err := openpgp.NewEntity(name, "", strings.ToLower(name)+"@example.com",
		&packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	require.NoError(tb, err)
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	require.NoError(tb, err)
	require.NoError(tb, e.Serialize(w))
	require.NoError(tb, w.Close())
	return e, buf.Bytes()
}
