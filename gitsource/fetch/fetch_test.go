package fetch

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

// history is the content fixture pushes: three commits on main, one on
// dev, and tags of every kind.
type history struct {
	c1, c2, c3, dev string
}

func pushHistory(tb testing.TB, g *gitServer, repo string) history {
	tb.Helper()
	p := newPusher(tb, g.pushURL(repo))
	var h history
	h.c1 = p.commit("one", map[string]string{"policies/a.yaml": "a: 1"}, nil)
	p.tag("v1.0.0", h.c1, "", nil)
	p.tag("1.3.0", h.c1, "", nil)
	h.c2 = p.commit("two", map[string]string{"policies/b.yaml": "b: 2"}, nil)
	p.tag("v1.2.0", h.c2, "release 1.2.0", nil)
	h.c3 = p.commit("three", map[string]string{"policies/c.yaml": "c: 3"}, nil)
	p.tag("v2.0.0", h.c3, "release 2.0.0", nil)
	p.tag("v2.1.0-rc.1", h.c3, "", nil)
	p.tag("not-a-version", h.c3, "", nil)
	p.branch("dev")
	h.dev = p.commit("dev", map[string]string{"dev.yaml": "dev: true"}, nil)
	p.push()
	return h
}

func fetchOpts(tc transportCase, repo, cache string, ref Ref) Options {
	return Options{URL: tc.url(repo), Ref: ref, Auth: tc.auth, CacheDir: cache, Timeout: 20 * time.Second}
}

func TestFetchRefs(t *testing.T) {
	g := newGitServer(t)
	h := pushHistory(t, g, "refs.git")
	missing := "0123456789abcdef0123456789abcdef01234567"
	cases := []struct {
		name     string
		ref      Ref
		revision string
		commit   string
		tag      string
		branch   string
		err      error
	}{
		{name: "branch main", ref: Ref{Branch: "main"}, revision: "main@sha1:" + h.c3, commit: h.c3, branch: "main"},
		{name: "branch dev", ref: Ref{Branch: "dev"}, revision: "dev@sha1:" + h.dev, commit: h.dev, branch: "dev"},
		{name: "lightweight tag", ref: Ref{Tag: "v1.0.0"}, revision: "v1.0.0@sha1:" + h.c1, commit: h.c1, tag: "v1.0.0"},
		{name: "annotated tag", ref: Ref{Tag: "v1.2.0"}, revision: "v1.2.0@sha1:" + h.c2, commit: h.c2, tag: "v1.2.0"},
		{name: "semver below 1.3", ref: Ref{SemVer: ">=1.0.0 <1.3.0"}, revision: "v1.2.0@sha1:" + h.c2, commit: h.c2, tag: "v1.2.0"},
		{name: "semver tag without v", ref: Ref{SemVer: ">=1.0.0 <2.0.0"}, revision: "1.3.0@sha1:" + h.c1, commit: h.c1, tag: "1.3.0"},
		{name: "semver skips pre-release", ref: Ref{SemVer: ">=2.0.0"}, revision: "v2.0.0@sha1:" + h.c3, commit: h.c3, tag: "v2.0.0"},
		{name: "semver asks pre-release", ref: Ref{SemVer: ">=2.1.0-0"}, revision: "v2.1.0-rc.1@sha1:" + h.c3, commit: h.c3, tag: "v2.1.0-rc.1"},
		{name: "commit on main", ref: Ref{Commit: h.c2}, revision: "sha1:" + h.c2, commit: h.c2},
		{name: "commit on dev", ref: Ref{Commit: h.dev}, revision: "sha1:" + h.dev, commit: h.dev},
		{name: "semver no match", ref: Ref{SemVer: ">=3.0.0"}, err: ErrNoSemVerMatch},
		{name: "missing branch", ref: Ref{Branch: "nope"}, err: ErrNotFound},
		{name: "missing tag", ref: Ref{Tag: "v9.9.9"}, err: ErrNotFound},
		{name: "missing commit", ref: Ref{Commit: missing}, err: ErrNotFound},
	}
	var f Fetcher
	for _, tc := range g.transports() {
		cache := t.TempDir() // one cache serves every ref, as in production
		for _, c := range cases {
			t.Run(tc.name+"/"+c.name, func(t *testing.T) {
				res, err := f.Fetch(context.Background(), fetchOpts(tc, "refs.git", cache, c.ref))
				if c.err != nil {
					require.ErrorIs(t, err, c.err)
					assert.Nil(t, res)
					return
				}
				require.NoError(t, err)
				assert.Equal(t, c.revision, res.Revision)
				assert.Equal(t, c.commit, res.Commit)
				assert.Equal(t, c.tag, res.Tag)
				assert.Equal(t, c.branch, res.Branch)
			})
		}
		entries, err := os.ReadDir(cache)
		require.NoError(t, err)
		assert.Len(t, entries, 1, "one clone per URL")
	}
}

// packFiles lists the pack files of the cached clone.
func packFiles(t *testing.T, cache, url string) []string {
	t.Helper()
	packs, err := filepath.Glob(filepath.Join(CachePath(cache, url), "objects", "pack", "*.pack"))
	require.NoError(t, err)
	return packs
}

func TestFetchIncremental(t *testing.T) {
	g := newGitServer(t)
	p := newPusher(t, g.pushURL("inc.git"))
	c1 := p.commit("one", map[string]string{"a.yaml": "a: 1"}, nil)
	p.push()
	for _, tc := range g.transports() {
		t.Run(tc.name, func(t *testing.T) {
			cache := t.TempDir()
			opts := fetchOpts(tc, "inc.git", cache, Ref{Branch: "main"})
			first, err := new(Fetcher).Fetch(context.Background(), opts)
			require.NoError(t, err)
			before := packFiles(t, cache, opts.URL)
			require.NotEmpty(t, before)

			again, err := new(Fetcher).Fetch(context.Background(), opts)
			require.NoError(t, err)
			assert.Equal(t, first.Revision, again.Revision, "unchanged")
			assert.Equal(t, before, packFiles(t, cache, opts.URL), "an unchanged revision downloads nothing")

			c2 := p.commit("two "+tc.name, map[string]string{"b.yaml": "b: 2"}, nil)
			p.push()
			// A new Fetcher, as after a restart: it must reuse the clone on disk.
			next, err := new(Fetcher).Fetch(context.Background(), opts)
			require.NoError(t, err)
			assert.Equal(t, "main@sha1:"+c2, next.Revision)
			after := packFiles(t, cache, opts.URL)
			assert.Subset(t, after, before, "old packs are kept: no re-clone")
			assert.Len(t, after, len(before)+1, "one new pack with the new commit")
			assert.NotEqual(t, c1, c2)
		})
	}
}

func TestFetchAuthErrors(t *testing.T) {
	g := newGitServer(t)
	pushHistory(t, g, "auth.git")
	otherKey, _ := newSSHKey(t)
	hostLine := "[127.0.0.1]:" + g.sshProxy.port() + " "
	otherType := []byte(hostLine + "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	rsaPub, err := ssh.NewPublicKey(&rsaKey.PublicKey)
	require.NoError(t, err)
	otherRSA := append([]byte(hostLine), ssh.MarshalAuthorizedKey(rsaPub)...)
	otherHostName := []byte("[127.0.0.2]:" + g.sshProxy.port() + " " + string(ssh.MarshalAuthorizedKey(rsaPub)))
	cases := []struct {
		name string
		url  string
		auth Auth
		err  error
	}{
		{name: "http wrong password", url: g.httpURL("auth.git"), auth: Auth{Username: testUser, Password: "wrong"}, err: ErrAuth},
		{name: "http no credentials", url: g.httpURL("auth.git"), err: ErrAuth},
		{name: "http bearer not accepted", url: g.httpURL("auth.git"), auth: Auth{BearerToken: "token"}, err: ErrAuth},
		{name: "ssh unknown client key", url: g.sshURL("auth.git"), auth: Auth{SSHPrivateKey: otherKey, SSHKnownHosts: g.knownHosts}, err: ErrAuth},
		{name: "ssh host key mismatch", url: g.sshURL("auth.git"), auth: Auth{SSHPrivateKey: g.clientKey, SSHKnownHosts: otherRSA}, err: ErrAuth},
		{name: "ssh host key of another type", url: g.sshURL("auth.git"), auth: Auth{SSHPrivateKey: g.clientKey, SSHKnownHosts: otherType}, err: ErrAuth},
		{name: "ssh host not in known_hosts", url: g.sshURL("auth.git"), auth: Auth{SSHPrivateKey: g.clientKey, SSHKnownHosts: otherHostName}, err: ErrAuth},
		{name: "ssh without known_hosts", url: g.sshURL("auth.git"), auth: Auth{SSHPrivateKey: g.clientKey}, err: ErrInvalid},
		{name: "ssh without key", url: g.sshURL("auth.git"), auth: Auth{SSHKnownHosts: g.knownHosts}, err: ErrInvalid},
		{name: "ssh garbage key", url: g.sshURL("auth.git"), auth: Auth{SSHPrivateKey: []byte("nope"), SSHKnownHosts: g.knownHosts}, err: ErrInvalid},
		{name: "http empty repository", url: g.httpURL("absent.git"), auth: g.httpAuth(), err: ErrNotFound},
		{name: "ssh missing repository", url: g.sshURL("absent-ssh.git"), auth: g.sshAuth(), err: ErrNotFound},
	}
	var f Fetcher
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := Options{URL: c.url, Ref: Ref{Branch: "main"}, Auth: c.auth, CacheDir: t.TempDir(), Timeout: 20 * time.Second}
			_, err := f.Fetch(context.Background(), opts)
			require.ErrorIs(t, err, c.err)
			t.Log(err)
		})
	}
}

func TestFetchUnreachableAndRecovery(t *testing.T) {
	g := newGitServer(t)
	p := newPusher(t, g.pushURL("down.git"))
	p.commit("one", map[string]string{"a.yaml": "a: 1"}, nil)
	p.push()
	var f Fetcher
	for _, tc := range g.transports() {
		t.Run(tc.name, func(t *testing.T) {
			opts := fetchOpts(tc, "down.git", t.TempDir(), Ref{Branch: "main"})
			_, err := f.Fetch(context.Background(), opts)
			require.NoError(t, err)

			tc.net.stop()
			start := time.Now()
			_, err = f.Fetch(context.Background(), opts)
			require.ErrorIs(t, err, ErrUnreachable)
			assert.Equal(t, ReasonUnreachable, ReasonOf(err))
			assert.Less(t, time.Since(start), 5*time.Second, "a refused connection fails fast")

			c2 := p.commit("while down "+tc.name, map[string]string{"b.yaml": "b"}, nil)
			p.push()
			tc.net.start()
			res, err := f.Fetch(context.Background(), opts)
			require.NoError(t, err)
			assert.Equal(t, "main@sha1:"+c2, res.Revision)
		})
	}
}

func TestFetchTimeout(t *testing.T) {
	g := newGitServer(t)
	p := newPusher(t, g.pushURL("slow.git"))
	c1 := p.commit("one", map[string]string{"a.yaml": "a: 1"}, nil)
	p.push()
	var f Fetcher
	for _, tc := range g.transports() {
		t.Run(tc.name, func(t *testing.T) {
			opts := fetchOpts(tc, "slow.git", t.TempDir(), Ref{Branch: "main"})
			opts.Timeout = 300 * time.Millisecond
			tc.net.stall(true)
			for range 2 { // the second one may also wait for the lock of the first
				start := time.Now()
				_, err := f.Fetch(context.Background(), opts)
				require.ErrorIs(t, err, ErrTimeout)
				elapsed := time.Since(start)
				assert.GreaterOrEqual(t, elapsed, opts.Timeout)
				assert.Less(t, elapsed, 2*time.Second, "the deadline is honoured")
			}
			tc.net.stall(false)
			opts.Timeout = 20 * time.Second
			res, err := f.Fetch(context.Background(), opts)
			require.NoError(t, err)
			assert.Equal(t, "main@sha1:"+c1, res.Revision)
		})
	}
}

func TestFetchCallerContext(t *testing.T) {
	g := newGitServer(t)
	tc := g.transports()[0]
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	tc.net.stall(true)
	defer tc.net.stall(false)
	_, err := new(Fetcher).Fetch(ctx, fetchOpts(tc, "ctx.git", t.TempDir(), Ref{Branch: "main"}))
	require.ErrorIs(t, err, ErrTimeout, "the caller's deadline counts too")
}

func TestFetchConcurrent(t *testing.T) {
	g := newGitServer(t)
	h := pushHistory(t, g, "one.git")
	h2 := pushHistory(t, g, "two.git")
	cache := t.TempDir()
	var f Fetcher
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for i := range 24 {
		tc := g.transports()[i%2]
		repo, want := "one.git", h.c3
		if i%3 == 0 {
			repo, want = "two.git", h2.c3
		}
		wg.Go(func() {
			res, err := f.Fetch(context.Background(), fetchOpts(tc, repo, cache, Ref{Branch: "main"}))
			if err == nil && res.Commit != want {
				err = fmt.Errorf("%s %s: got %s, want %s", tc.name, repo, res.Commit, want)
			}
			if err == nil {
				_, err = res.ReadDir("policies", bundle.Limits{})
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	entries, err := os.ReadDir(cache)
	require.NoError(t, err)
	assert.Len(t, entries, 4, "one clone per URL: 2 repositories x 2 transports")
}

func TestFetchCacheRemoved(t *testing.T) {
	g := newGitServer(t)
	p := newPusher(t, g.pushURL("gone.git"))
	c1 := p.commit("one", map[string]string{"a.yaml": "a"}, nil)
	p.push()
	var f Fetcher
	opts := fetchOpts(g.transports()[0], "gone.git", t.TempDir(), Ref{Branch: "main"})
	_, err := f.Fetch(context.Background(), opts)
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(CachePath(opts.CacheDir, opts.URL)))
	res, err := f.Fetch(context.Background(), opts)
	require.NoError(t, err, "a removed cache is cloned again")
	assert.Equal(t, "main@sha1:"+c1, res.Revision)
	files, err := res.ReadDir("", bundle.Limits{})
	require.NoError(t, err)
	assert.Equal(t, []File{{Path: "a.yaml", Mode: 0o644, Data: []byte("a")}}, files)
}

func TestFetchErrorHidesPassword(t *testing.T) {
	g := newGitServer(t)
	url := "http://" + testUser + ":" + testPassword + "@" + g.httpProxy.addr + "/hidden.git"
	g.httpProxy.stop()
	_, err := new(Fetcher).Fetch(context.Background(), Options{URL: url, Ref: Ref{Branch: "main"}, CacheDir: t.TempDir()})
	require.ErrorIs(t, err, ErrUnreachable)
	assert.NotContains(t, err.Error(), testPassword)
}
