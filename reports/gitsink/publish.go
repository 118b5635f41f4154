package gitsink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-logr/logr"
)

// Defaults of Target and Publisher.
const (
	// DefaultPath is the folder of the reports when Target.Path is empty.
	DefaultPath = "reports"
	// DefaultAttempts is the number of pushes Publish tries before it gives up with ErrRejected.
	DefaultAttempts = 5
	// DefaultTimeout bounds one Publish, retries included.
	DefaultTimeout = 2 * time.Minute
)

// remoteName names the remote in the cache repositories.
const remoteName = "origin"

// Author is the author and committer of the commits.
type Author struct {
	Name  string
	Email string
}

// Target is where a Tree is published.
type Target struct {
	// URL of the repository: http(s):// or ssh://.
	URL string
	// Branch receives the commits; it is created without history when the remote has none of that name.
	Branch string
	// Path is the folder the Tree replaces, relative to the repository root (DefaultPath when empty).
	Path string
	// Auth is the transport's credentials; nil for none.
	Auth transport.AuthMethod
	// Author signs the commits.
	Author Author
}

// Result says what Publish did.
type Result struct {
	// Commit is the tip of the branch that holds the content: the new commit, or the existing tip when the content
	// was already there.
	Commit string
	// Pushed is true when a new commit was pushed.
	Pushed bool
	// Attempts is the number of pushes tried.
	Attempts int
}

// Publisher commits trees to git repositories. It keeps one bare clone per repository and branch under CacheDir and
// serialises the publications of each; the zero value is not usable without CacheDir. It is safe for concurrent use.
type Publisher struct {
	// CacheDir holds the clones.
	CacheDir string
	// Attempts is the number of pushes tried before giving up (DefaultAttempts when zero).
	Attempts int
	// Timeout bounds one Publish (DefaultTimeout when zero).
	Timeout time.Duration
	// Now is the clock of commit times (time.Now when nil).
	Now func() time.Time

	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

// Publish makes tree the content of the target's folder on its branch: it fetches the branch, commits when the
// content differs from the tip, and pushes without force, fetching and applying again when the branch moved in
// between. Every error is an *Error.
func (p *Publisher) Publish(ctx context.Context, t Target, tree Tree, message string) (Result, error) {
	folder, err := t.validate()
	if err != nil {
		return Result{}, &Error{Reason: ReasonInvalid, Err: err}
	}
	if p.CacheDir == "" {
		return Result{}, &Error{Reason: ReasonInvalid, Err: errors.New("the publisher has no cache folder")}
	}
	ctx, cancel := context.WithTimeout(ctx, orDefault(p.Timeout, DefaultTimeout))
	defer cancel()
	dir := filepath.Join(p.CacheDir, cacheName(t))
	defer p.lock(dir)()
	repo, err := openCache(dir)
	if err != nil {
		return Result{}, &Error{Reason: ReasonFailed, Err: err}
	}
	c := &cache{repo: repo, target: t, folder: folder,
		remote: git.NewRemote(repo.Storer, &config.RemoteConfig{Name: remoteName, URLs: []string{t.URL}})}
	return p.publish(ctx, c, tree, message)
}

// publish runs fetch, commit and push until the push lands, the content is found already there, or the attempts
// run out.
func (p *Publisher) publish(ctx context.Context, c *cache, tree Tree, message string) (Result, error) {
	log := logr.FromContextOrDiscard(ctx)
	var res Result
	var last error
	for res.Attempts < orDefault(p.Attempts, DefaultAttempts) {
		if res.Attempts > 0 {
			if err := pause(ctx, res.Attempts); err != nil {
				return res, classify(ctx, err)
			}
		}
		tip, err := c.fetch(ctx)
		if err != nil {
			return res, classify(ctx, fmt.Errorf("fetching branch %s of %s: %w", c.target.Branch, redact(c.target.URL), err))
		}
		commit, changed, err := c.commit(tip, tree, message, p.now())
		if err != nil {
			return res, &Error{Reason: ReasonFailed, Err: err}
		}
		if !changed {
			res.Commit = tip.String()
			return res, nil
		}
		res.Attempts++
		landed, err := c.pushed(ctx, tip, commit)
		if landed {
			res.Commit, res.Pushed = commit.String(), true
			return res, nil
		}
		if ReasonOf(err) != ReasonRejected {
			return res, err
		}
		last = err
		log.V(1).Info("push rejected; fetching the branch again", "branch", c.target.Branch, "attempt", res.Attempts,
			"error", err.Error())
	}
	return res, &Error{Reason: ReasonRejected, Err: fmt.Errorf("gave up after %d pushes: %w", res.Attempts, last)}
}

// validate checks t before any I/O and returns the folder's path segments.
func (t Target) validate() ([]string, error) {
	if t.URL == "" {
		return nil, errors.New("URL is empty")
	}
	if t.Branch == "" {
		return nil, errors.New("branch is empty")
	}
	if err := plumbing.NewBranchReferenceName(t.Branch).Validate(); err != nil {
		return nil, fmt.Errorf("branch %q: %w", t.Branch, err)
	}
	path := t.Path
	if path == "" {
		path = DefaultPath
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	for _, part := range parts {
		if part == "" || part == "." || part == ".." || part == ".git" {
			return nil, fmt.Errorf("path %q: segments cannot be empty, '.', '..' or '.git'", t.Path)
		}
	}
	return parts, nil
}

// lock locks dir for one publication and returns the unlock function.
func (p *Publisher) lock(dir string) func() {
	p.mu.Lock()
	if p.locks == nil {
		p.locks = map[string]*sync.Mutex{}
	}
	l := p.locks[dir]
	if l == nil {
		l = &sync.Mutex{}
		p.locks[dir] = l
	}
	p.mu.Unlock()
	l.Lock()
	return l.Unlock
}

func (p *Publisher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// orDefault returns v, or def when v is not positive.
func orDefault[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// cacheName names the clone of t's repository and branch.
func cacheName(t Target) string {
	sum := sha256.Sum256([]byte(t.URL + "\n" + t.Branch))
	return hex.EncodeToString(sum[:16])
}

// openCache opens the bare clone in dir, or makes a new one when there is none or it cannot be read.
func openCache(dir string) (*git.Repository, error) {
	repo, err := git.PlainOpen(dir)
	if err == nil {
		return repo, nil
	}
	if !errors.Is(err, git.ErrRepositoryNotExists) {
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("removing the unreadable cache %s: %w", dir, err)
		}
	}
	repo, err = git.PlainInit(dir, true)
	if err != nil {
		return nil, fmt.Errorf("creating the cache %s: %w", dir, err)
	}
	return repo, nil
}

// pause waits before retry number attempt: a growing delay with jitter, so that two writers do not retry in
// lockstep.
func pause(ctx context.Context, attempt int) error {
	d := time.Duration(attempt)*100*time.Millisecond + time.Duration(rand.Int64N(int64(100*time.Millisecond)))
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// redact removes the credentials of a URL, for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}
