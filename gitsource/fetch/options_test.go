package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"testing"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAuthFromSecretData(t *testing.T) {
	got := AuthFromSecretData(map[string][]byte{
		"username":    []byte("u"),
		"password":    []byte("p"),
		"bearerToken": []byte("t"),
		"identity":    []byte("KEY"),
		"known_hosts": []byte("HOSTS"),
		"unrelated":   []byte("x"),
	})
	assert.Equal(t, Auth{Username: "u", Password: "p", BearerToken: "t",
		SSHPrivateKey: []byte("KEY"), SSHKnownHosts: []byte("HOSTS")}, got)
	assert.Equal(t, Auth{}, AuthFromSecretData(nil))
}

func TestOptionsInvalid(t *testing.T) {
	valid := Options{URL: "https://example.com/r.git", Ref: Ref{Branch: "main"}, CacheDir: t.TempDir()}
	cases := []struct {
		name   string
		modify func(*Options)
	}{
		{name: "no URL", modify: func(o *Options) { o.URL = "" }},
		{name: "no cache dir", modify: func(o *Options) { o.CacheDir = "" }},
		{name: "no ref", modify: func(o *Options) { o.Ref = Ref{} }},
		{name: "two refs", modify: func(o *Options) { o.Ref.Tag = "v1" }},
		{name: "short commit", modify: func(o *Options) { o.Ref = Ref{Commit: "abc123"} }},
		{name: "commit not hex", modify: func(o *Options) { o.Ref = Ref{Commit: "zz23456789abcdef0123456789abcdef01234567"} }},
		{name: "bad semver", modify: func(o *Options) { o.Ref = Ref{SemVer: "not a range"} }},
		{name: "bad branch name", modify: func(o *Options) { o.Ref = Ref{Branch: "a..b"} }},
		{name: "refspec injection", modify: func(o *Options) { o.Ref = Ref{Tag: "*:refs/heads/x"} }},
		{name: "unsupported scheme", modify: func(o *Options) { o.URL = "ftp://example.com/r.git" }},
	}
	var f Fetcher
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := valid
			c.modify(&opts)
			start := time.Now()
			_, err := f.Fetch(context.Background(), opts)
			require.ErrorIs(t, err, ErrInvalid)
			assert.Equal(t, ReasonInvalid, ReasonOf(err))
			assert.Less(t, time.Since(start), time.Second, "no network for invalid options")
		})
	}
}

func TestErrorReasons(t *testing.T) {
	deadline, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	cases := []struct {
		name string
		ctx  context.Context
		err  error
		want Reason
	}{
		{name: "auth required", err: fmt.Errorf("x: %w", transport.ErrAuthenticationRequired), want: ReasonAuth},
		{name: "authorization", err: transport.ErrAuthorizationFailed, want: ReasonAuth},
		{name: "ssh auth", err: errors.New("ssh: handshake failed: ssh: unable to authenticate, attempted methods"), want: ReasonAuth},
		{name: "missing ref", err: fmt.Errorf("x: %w", git.NoMatchingRefSpecError{}), want: ReasonNotFound},
		{name: "missing repo", err: transport.ErrRepositoryNotFound, want: ReasonNotFound},
		{name: "refused", err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, want: ReasonUnreachable},
		{name: "dns", err: &net.DNSError{Err: "no such host", Name: "nope.invalid"}, want: ReasonUnreachable},
		{name: "deadline wins", ctx: deadline, err: errors.New("read: broken"), want: ReasonTimeout},
		{name: "other", err: errors.New("packfile corrupt"), want: ReasonFailed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := c.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			err := classify(ctx, c.err)
			assert.Equal(t, c.want, ReasonOf(err))
			assert.ErrorIs(t, err, c.err, "the cause stays in the chain")
		})
	}
}

func TestErrorIs(t *testing.T) {
	cause := errors.New("boom")
	err := fmt.Errorf("wrapped: %w", &Error{Reason: ReasonAuth, Err: cause})
	assert.ErrorIs(t, err, ErrAuth)
	assert.ErrorIs(t, err, cause)
	assert.NotErrorIs(t, err, ErrNotFound)
	assert.NotErrorIs(t, ErrAuth, err, "a sentinel is not an instance")
	assert.Equal(t, ReasonAuth, ReasonOf(err))
	assert.Equal(t, ReasonFailed, ReasonOf(cause))
	assert.Equal(t, Reason(""), ReasonOf(nil))
	assert.Equal(t, "AuthenticationFailed: wrapped: boom", (&Error{Reason: ReasonAuth, Err: fmt.Errorf("wrapped: %w", cause)}).Error())
	assert.Equal(t, "Timeout", ErrTimeout.Error())
}

func TestCachePath(t *testing.T) {
	a := CachePath("/c", "https://example.com/a.git")
	assert.Equal(t, a, CachePath("/c", "https://example.com/a.git"))
	assert.NotEqual(t, a, CachePath("/c", "https://example.com/b.git"))
	assert.Regexp(t, `^/c/[0-9a-f]{32}$`, a)
}
