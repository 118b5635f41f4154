package gitremote_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/stretchr/testify/assert"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/bylaw-dev/bylaw/gitremote"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want gitremote.Kind
	}{
		{"deadline", fmt.Errorf("read: %w", context.DeadlineExceeded), gitremote.KindTimeout},
		{"auth required", fmt.Errorf("x: %w", transport.ErrAuthenticationRequired), gitremote.KindAuth},
		{"authorization", transport.ErrAuthorizationFailed, gitremote.KindAuth},
		{"invalid auth method", transport.ErrInvalidAuthMethod, gitremote.KindAuth},
		{"host key mismatch", &knownhosts.KeyError{Want: []knownhosts.KnownKey{{Filename: "known_hosts"}}}, gitremote.KindAuth},
		{"host key revoked", &knownhosts.RevokedError{}, gitremote.KindAuth},
		{"ssh auth", errors.New("ssh: handshake failed: ssh: unable to authenticate, attempted methods"), gitremote.KindAuth},
		{"ssh host key type", errors.New("ssh: handshake failed: ssh: no common algorithm for host key"), gitremote.KindAuth},
		{"missing repository", transport.ErrRepositoryNotFound, gitremote.KindRepositoryNotFound},
		{"empty repository", fmt.Errorf("x: %w", transport.ErrEmptyRemoteRepository), gitremote.KindRefNotFound},
		{"missing ref", fmt.Errorf("x: %w", git.NoMatchingRefSpecError{}), gitremote.KindRefNotFound},
		{"refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, gitremote.KindUnreachable},
		{"dns", &net.DNSError{Err: "no such host", Name: "nope.invalid"}, gitremote.KindUnreachable},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), gitremote.KindUnreachable},
		{"broken pipe", fmt.Errorf("write: %w", syscall.EPIPE), gitremote.KindDisconnected},
		{"eof", fmt.Errorf("read: %w", io.EOF), gitremote.KindDisconnected},
		{"unexpected eof", io.ErrUnexpectedEOF, gitremote.KindDisconnected},
		{"non-fast-forward", errors.New("non-fast-forward update: refs/heads/main"), gitremote.KindRejected},
		{"receive-pack refusal", errors.New("command error on refs/heads/main: failed to update ref"), gitremote.KindRejected},
		{"fetch first", errors.New("! [rejected] main -> main (fetch first)"), gitremote.KindRejected},
		{"canceled is not a kind of its own", context.Canceled, gitremote.KindOther},
		{"other", errors.New("packfile corrupt"), gitremote.KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, gitremote.KindOf(tt.err))
		})
	}
}
