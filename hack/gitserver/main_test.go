package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hookCall is one request the fake push hook received.
type hookCall struct {
	method, auth, url string
}

// fakeHook records calls and answers with status.
type fakeHook struct {
	mu     sync.Mutex
	calls  []hookCall
	status int
}

func (f *fakeHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, hookCall{method: r.Method, auth: r.Header.Get("Authorization"), url: r.URL.Query().Get("url")})
	w.WriteHeader(f.status)
}

func (f *fakeHook) got() []hookCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]hookCall(nil), f.calls...)
}

// lockedBuffer is a log writer safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The server serves pushes and clones, calls the push hook once per push (not per fetch) with the repository's URL
// and the token, survives a failing hook, and stops when its context ends.
func TestRunServesAnnouncesAndStops(t *testing.T) {
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	for _, tc := range []struct {
		name       string
		hookStatus int
		wantLog    string
	}{
		{name: "hook accepts", hookStatus: http.StatusAccepted, wantLog: "/policies.git: push hook called"},
		{name: "hook refuses: the push still succeeds", hookStatus: http.StatusUnauthorized, wantLog: "401 Unauthorized"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hook := &fakeHook{status: tc.hookStatus}
			hookSrv := httptest.NewServer(hook)
			t.Cleanup(hookSrv.Close)
			token := filepath.Join(t.TempDir(), "token")
			require.NoError(t, os.WriteFile(token, []byte("0123456789abcdef\n"), 0o600))

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			out, logs := newLineReader(t), &lockedBuffer{}
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, Options{Root: filepath.Join(t.TempDir(), "repos"),
					Hook: HookOptions{URL: hookSrv.URL + "/hooks/git", TokenFile: token, Timeout: 5 * time.Second}}, out, logs)
			}()
			base := out.line(t)
			repoURL := base + "/policies.git"

			push(t, repoURL, "bundle.yaml", "version: 1\n")
			require.Eventually(t, func() bool { return bytes.Contains([]byte(logs.String()), []byte(tc.wantLog)) },
				10*time.Second, 10*time.Millisecond, "log: %s", logs)
			assert.Equal(t, []hookCall{{method: http.MethodPost, auth: "Bearer 0123456789abcdef", url: repoURL}}, hook.got())

			assert.Equal(t, "version: 1\n", cloneFile(t, repoURL, "bundle.yaml"))
			push(t, repoURL, "bundle.yaml", "version: 2\n")
			require.Eventually(t, func() bool { return len(hook.got()) == 2 }, 10*time.Second, 10*time.Millisecond)
			assert.Equal(t, "version: 2\n", cloneFile(t, repoURL, "bundle.yaml"))
			time.Sleep(50 * time.Millisecond) // a hook call after a clone would come now
			assert.Len(t, hook.got(), 2, "one call per push, none per clone")

			cancel()
			select {
			case err := <-done:
				require.NoError(t, err)
			case <-time.After(10 * time.Second):
				t.Fatal("run did not return after its context ended")
			}
			_, err := http.Get(base + "/policies.git/info/refs?service=git-upload-pack") //nolint:noctx // a probe
			require.Error(t, err, "the server is stopped")
		})
	}
}

func TestRunRefusesBadOptions(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	require.NoError(t, os.WriteFile(notPEM, []byte("not a certificate"), 0o600))
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{name: "no root", o: Options{}, want: "--root is required"},
		{name: "hook URL not http", o: Options{Root: dir, Hook: HookOptions{URL: "ftp://x/hooks"}}, want: `--hook-url "ftp://x/hooks": not an http(s) URL`},
		{name: "token file missing", o: Options{Root: dir, Hook: HookOptions{URL: "https://x/h", TokenFile: filepath.Join(dir, "none")}},
			want: "--hook-token-file: open "},
		{name: "CA file without a certificate", o: Options{Root: dir, Hook: HookOptions{URL: "https://x/h", CAFile: notPEM}},
			want: "--hook-ca-file " + notPEM + ": no PEM certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(t.Context(), tc.o, io.Discard, io.Discard)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// lineReader hands the lines run prints to the test.
type lineReader struct {
	*io.PipeWriter
	lines chan string
}

func newLineReader(t *testing.T) *lineReader {
	r, w := io.Pipe()
	l := &lineReader{PipeWriter: w, lines: make(chan string, 4)}
	go func() {
		s := bufio.NewScanner(r)
		for s.Scan() {
			l.lines <- s.Text()
		}
	}()
	t.Cleanup(func() { _ = w.Close() })
	return l
}

func (l *lineReader) line(t *testing.T) string {
	t.Helper()
	select {
	case s := <-l.lines:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no line printed")
		return ""
	}
}

// push commits file to a new repository and force-pushes it to branch main of url.
func push(t *testing.T, url, file, content string) {
	t.Helper()
	dir := t.TempDir()
	r, err := git.PlainInit(dir, false)
	require.NoError(t, err)
	_, err = r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{url}})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, file), []byte(content), 0o644))
	wt, err := r.Worktree()
	require.NoError(t, err)
	_, err = wt.Add(file)
	require.NoError(t, err)
	_, err = wt.Commit("add "+file, &git.CommitOptions{Author: &object.Signature{Name: "ci", Email: "ci@example.com", When: time.Now()}})
	require.NoError(t, err)
	require.NoError(t, r.Push(&git.PushOptions{RemoteName: "origin", RefSpecs: []config.RefSpec{"+refs/heads/master:refs/heads/main"}}))
}

// cloneFile clones branch main of url and returns file's content.
func cloneFile(t *testing.T, url, file string) string {
	t.Helper()
	dir := t.TempDir()
	_, err := git.PlainClone(dir, false, &git.CloneOptions{URL: url, ReferenceName: "refs/heads/main"})
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(dir, file))
	require.NoError(t, err)
	return string(data)
}
