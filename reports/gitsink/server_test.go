package gitsink_test

import (
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fluxcd/pkg/gittestserver"
	"github.com/go-git/go-billy/v5/memfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/storage/memory"
	"github.com/stretchr/testify/require"
)

const (
	gitUser     = "bylaw"
	gitPassword = "s3cret"
)

// gitServer is a real git server over HTTP with basic auth. It can be taken down (every connection is dropped) and
// can run a hook once when the next push reaches it.
type gitServer struct {
	t   *testing.T
	srv *gittestserver.GitServer
	// down drops every connection, as a server that cannot be reached.
	down atomic.Bool
	// onPush runs once, when a push request whose URL holds stage next arrives (before it is served).
	onPush atomic.Pointer[pushHook]
	// hooking is true while a hook runs: the hook's own pushes do not run it again.
	hooking atomic.Bool
}

// pushHook is what runs when a push reaches the server.
type pushHook struct {
	stage string // "info/refs" (the push reads the remote refs) or "POST" (the push sends its pack)
	run   func()
	// repeat keeps the hook for every later push.
	repeat bool
}

func newGitServer(t *testing.T) *gitServer {
	t.Helper()
	srv, err := gittestserver.NewTempGitServer()
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(srv.Root()) })
	srv.Auth(gitUser, gitPassword).AutoCreate()
	g := &gitServer{t: t, srv: srv}
	srv.AddHTTPMiddlewares(g.middleware)
	require.NoError(t, srv.StartHTTP())
	t.Cleanup(srv.StopHTTP)
	return g
}

func (g *gitServer) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.down.Load() {
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = conn.Close()
			}
			return
		}
		if strings.Contains(r.URL.String(), "receive-pack") {
			stage := "POST"
			if r.Method == http.MethodGet {
				stage = "info/refs"
			}
			if hook := g.onPush.Load(); hook != nil && hook.stage == stage && g.hooking.CompareAndSwap(false, true) {
				if hook.repeat || g.onPush.CompareAndSwap(hook, nil) {
					hook.run()
				}
				g.hooking.Store(false)
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (g *gitServer) url(repo string) string { return g.srv.HTTPAddress() + "/" + repo }

func (g *gitServer) auth() *githttp.BasicAuth {
	return &githttp.BasicAuth{Username: gitUser, Password: gitPassword}
}

// clone returns an in-memory clone of branch of repo with a worktree.
func (g *gitServer) clone(repo, branch string) *git.Repository {
	g.t.Helper()
	r, err := git.Clone(memory.NewStorage(), memfs.New(), &git.CloneOptions{URL: g.url(repo), Auth: g.auth(),
		ReferenceName: plumbing.NewBranchReferenceName(branch), SingleBranch: true})
	require.NoError(g.t, err)
	return r
}

// pushFiles commits files on branch of repo as another writer would (a clone of its own, a fast-forward push) and
// returns the commit. A branch that does not exist yet is started.
func (g *gitServer) pushFiles(repo, branch string, files map[string]string) plumbing.Hash {
	g.t.Helper()
	r, err := git.Clone(memory.NewStorage(), memfs.New(), &git.CloneOptions{URL: g.url(repo), Auth: g.auth(),
		ReferenceName: plumbing.NewBranchReferenceName(branch), SingleBranch: true})
	if errors.Is(err, git.NoMatchingRefSpecError{}) || errors.Is(err, transport.ErrEmptyRemoteRepository) {
		r, err = git.Init(memory.NewStorage(), memfs.New())
		require.NoError(g.t, err)
		_, err = r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{g.url(repo)}})
	}
	require.NoError(g.t, err)
	wt, err := r.Worktree()
	require.NoError(g.t, err)
	for name, content := range files {
		f, err := wt.Filesystem.Create(name)
		require.NoError(g.t, err)
		_, err = io.WriteString(f, content)
		require.NoError(g.t, errors.Join(err, f.Close()))
	}
	require.NoError(g.t, wt.AddWithOptions(&git.AddOptions{All: true}))
	hash, err := wt.Commit("another writer", &git.CommitOptions{
		Author: &object.Signature{Name: "someone", Email: "someone@example.com", When: time.Now()}})
	require.NoError(g.t, err)
	ref := plumbing.NewBranchReferenceName(branch)
	require.NoError(g.t, r.Storer.SetReference(plumbing.NewHashReference(ref, hash)))
	require.NoError(g.t, r.Push(&git.PushOptions{Auth: g.auth(),
		RefSpecs: []config.RefSpec{config.RefSpec(ref.String() + ":" + ref.String())}}))
	return hash
}

// branchState is what a branch holds: its commits from the tip down (first parents) and the files of the tip.
type branchState struct {
	commits []*object.Commit
	files   map[string]string
}

// state reads branch of repo from the server.
func (g *gitServer) state(repo, branch string) branchState {
	g.t.Helper()
	r := g.clone(repo, branch)
	head, err := r.Reference(plumbing.NewBranchReferenceName(branch), true)
	require.NoError(g.t, err)
	var st branchState
	iter, err := r.Log(&git.LogOptions{From: head.Hash()})
	require.NoError(g.t, err)
	require.NoError(g.t, iter.ForEach(func(c *object.Commit) error {
		st.commits = append(st.commits, c)
		return nil
	}))
	tree, err := st.commits[0].Tree()
	require.NoError(g.t, err)
	st.files = map[string]string{}
	require.NoError(g.t, tree.Files().ForEach(func(f *object.File) error {
		content, err := f.Contents()
		st.files[f.Name] = content
		return err
	}))
	return st
}

// hashes returns the hashes of commits.
func hashes(commits []*object.Commit) []plumbing.Hash {
	out := make([]plumbing.Hash, len(commits))
	for i, c := range commits {
		out[i] = c.Hash
	}
	return out
}
