package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"

	"github.com/blang/semver/v4"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/bylaw-dev/bylaw/gitremote"
)

// Fetcher keeps one bare repository per URL under Options.CacheDir: the
// first Fetch of a URL clones it, later ones fetch incrementally. Fetches of
// one repository are serialised; different repositories proceed in
// parallel. The zero value is ready to use; a Fetcher must not be copied.
//
// Processes sharing a CacheDir are not coordinated: give each its own.
type Fetcher struct {
	mu    sync.Mutex
	repos map[string]*cachedRepo
}

// cachedRepo is one cache folder and the lock that guards it.
type cachedRepo struct {
	dir string
	// sem holds one token while a fetch or a read uses repo. A channel, not
	// a mutex, so that waiting for it honours the context.
	sem     chan struct{}
	repo    *git.Repository // opened lazily, only touched while sem is held
	storage *guardedStorage // repo's storage
}

// job is a validated Options.
type job struct {
	url    string
	ref    Ref
	rng    semver.Range
	auth   transport.AuthMethod
	verify *verifier
	// maxObject bounds every object received.
	maxObject int64
}

// CachePath returns the folder under cacheDir that holds the clone of url.
func CachePath(cacheDir, url string) string {
	sum := sha256.Sum256([]byte(url))
	return filepath.Join(cacheDir, hex.EncodeToString(sum[:16]))
}

// Fetch brings the cached clone of opts.URL up to date for opts.Ref,
// resolves the ref to a commit, verifies signatures when opts.Verify is set,
// and returns the revision. Errors are *Error; see the Err* sentinels.
//
// Fetch returns by its deadline even if the transport does not honour the
// context (an SSH handshake with a stalled server); the abandoned work keeps
// the repository's lock until it ends.
func (f *Fetcher) Fetch(ctx context.Context, opts Options) (*Result, error) {
	j, err := newJob(opts)
	if err != nil {
		return nil, &Error{Reason: ReasonInvalid, Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()

	c := f.cached(CachePath(opts.CacheDir, opts.URL))
	if err := c.lock(ctx); err != nil {
		return nil, err
	}
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		defer c.unlock()
		res, err := c.fetch(ctx, j)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-ctx.Done():
		select {
		case o := <-done: // finished at the deadline: keep the answer
			return o.res, o.err
		default:
			return nil, classify(ctx, nil)
		}
	}
}

func newJob(opts Options) (job, error) {
	rng, err := opts.validate()
	if err != nil {
		return job{}, err
	}
	auth, err := gitremote.TransportAuth(opts.URL, opts.Auth)
	if err != nil {
		return job{}, err
	}
	v, err := newVerifier(opts.Verify)
	if err != nil {
		return job{}, err
	}
	return job{url: opts.URL, ref: opts.Ref, rng: rng, auth: auth, verify: v, maxObject: opts.maxObjectBytes()}, nil
}

func (f *Fetcher) cached(dir string) *cachedRepo {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.repos == nil {
		f.repos = map[string]*cachedRepo{}
	}
	c, ok := f.repos[dir]
	if !ok {
		c = &cachedRepo{dir: dir, sem: make(chan struct{}, 1)}
		f.repos[dir] = c
	}
	return c
}

func (c *cachedRepo) lock(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return classify(ctx, errors.New("waiting for another fetch of the same repository"))
	}
}

func (c *cachedRepo) unlock() { <-c.sem }

// fetch runs with the lock held.
func (c *cachedRepo) fetch(ctx context.Context, j job) (*Result, error) {
	repo, err := c.open()
	if err != nil {
		return nil, &Error{Reason: ReasonFailed, Err: err}
	}
	c.storage.max = j.maxObject
	if err := update(ctx, repo, j); err != nil {
		err = classify(ctx, fmt.Errorf("fetch %s: %w", redact(j.url), err))
		if ReasonOf(err) == ReasonFailed {
			c.repo = nil // reopen (or re-clone) next time in case the cache is damaged
		}
		return nil, err
	}
	t, err := resolve(repo, j)
	if err != nil {
		return nil, err
	}
	signers, err := j.verify.check(t)
	if err != nil {
		return nil, err
	}
	tree, err := t.commit.Tree()
	if err != nil {
		return nil, &Error{Reason: ReasonFailed, Err: fmt.Errorf("tree of %s: %w", t.commit.Hash, err)}
	}
	return &Result{
		Revision: t.revision(),
		Commit:   t.commit.Hash.String(),
		Tag:      t.tagName,
		Branch:   t.branch,
		Signers:  signers,
		repo:     c,
		tree:     tree,
	}, nil
}

// open returns the cached repository, creating the bare repository on
// first use and starting over when the folder is not a usable repository.
// Its storage puts a packGuard in front of every pack fetched.
func (c *cachedRepo) open() (*git.Repository, error) {
	if c.repo != nil {
		if _, err := os.Stat(c.dir); err == nil {
			return c.repo, nil
		}
		c.repo = nil // removed behind our back: clone again
	}
	st := c.newStorage()
	repo, err := git.Open(st, nil)
	if err != nil {
		if !errors.Is(err, git.ErrRepositoryNotExists) {
			if rmErr := os.RemoveAll(c.dir); rmErr != nil {
				return nil, fmt.Errorf("reset broken cache %s: %w", c.dir, errors.Join(err, rmErr))
			}
			st = c.newStorage()
		}
		if repo, err = git.Init(st, nil); err != nil {
			return nil, fmt.Errorf("init cache %s: %w", c.dir, err)
		}
	}
	c.repo, c.storage = repo, st
	return repo, nil
}

func (c *cachedRepo) newStorage() *guardedStorage {
	return &guardedStorage{Storage: filesystem.NewStorage(osfs.New(c.dir), cache.NewObjectLRUDefault()), dir: c.dir}
}

// redact hides a password in the URL, so that errors can go to a status.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	return u.Redacted()
}

// update fetches what j needs. A commit already in the cache needs nothing.
func update(ctx context.Context, repo *git.Repository, j job) error {
	specs, prune := refSpecs(j.ref)
	if j.ref.Commit != "" {
		if _, err := repo.CommitObject(plumbing.NewHash(j.ref.Commit)); err == nil {
			return nil
		}
	}
	remote, err := repo.CreateRemoteAnonymous(&config.RemoteConfig{Name: "anonymous", URLs: []string{j.url}})
	if err != nil {
		return err
	}
	err = remote.FetchContext(ctx, &git.FetchOptions{
		RefSpecs: specs,
		Auth:     j.auth,
		Tags:     git.NoTags,
		Force:    true,
		Prune:    prune,
	})
	if errors.Is(err, git.NoErrAlreadyUpToDate) {
		return nil
	}
	return err
}

// refSpecs maps a ref to the refspecs to fetch (mirrored under the same
// names) and whether to prune refs the server no longer has.
func refSpecs(r Ref) ([]config.RefSpec, bool) {
	const (
		allHeads = "+refs/heads/*:refs/heads/*"
		allTags  = "+refs/tags/*:refs/tags/*"
	)
	switch {
	case r.Branch != "":
		return []config.RefSpec{config.RefSpec(fmt.Sprintf("+refs/heads/%[1]s:refs/heads/%[1]s", r.Branch))}, false
	case r.Tag != "":
		return []config.RefSpec{config.RefSpec(fmt.Sprintf("+refs/tags/%[1]s:refs/tags/%[1]s", r.Tag))}, false
	case r.SemVer != "":
		return []config.RefSpec{allTags}, true
	}
	return []config.RefSpec{allHeads, allTags}, true
}
