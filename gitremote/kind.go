package gitremote

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Kind says what kind of failure an error of a git remote is.
type Kind string

// Kinds returned by KindOf and used by Classify.
const (
	// KindAuth: the remote refused the credentials, or the SSH host key did not match known_hosts.
	KindAuth Kind = "Auth"
	// KindRepositoryNotFound: the repository does not exist.
	KindRepositoryNotFound Kind = "RepositoryNotFound"
	// KindRefNotFound: the remote has no ref matching the request, or no ref at all (an empty repository).
	KindRefNotFound Kind = "RefNotFound"
	// KindUnreachable: the remote could not be reached (refused, reset, DNS).
	KindUnreachable Kind = "Unreachable"
	// KindDisconnected: the connection closed in the middle of the exchange (EOF, broken pipe).
	KindDisconnected Kind = "Disconnected"
	// KindTimeout: a deadline expired.
	KindTimeout Kind = "Timeout"
	// KindCanceled: the operation's context was canceled before its deadline.
	KindCanceled Kind = "Canceled"
	// KindRejected: the remote refused a pushed update (not a fast-forward, or refused by the receiving side).
	KindRejected Kind = "Rejected"
	// KindOther: anything else (local storage, protocol errors).
	KindOther Kind = "Other"
)

// KindOf classifies err, an error of go-git or of the network below it, by its type, or by its text where go-git
// gives no type. It never returns KindCanceled: only a done context (see Classify) is a cancellation.
func KindOf(err error) Kind {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return KindTimeout
	case authFailed(err):
		return KindAuth
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return KindRepositoryNotFound
	case errors.Is(err, transport.ErrEmptyRemoteRepository), errors.Is(err, git.NoMatchingRefSpecError{}):
		return KindRefNotFound
	case unreachable(err):
		return KindUnreachable
	case errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return KindDisconnected
	case rejected(err):
		return KindRejected
	}
	return KindOther
}

// authFailed reports whether the remote refused the credentials or the client refused the SSH host key.
func authFailed(err error) bool {
	var keyErr *knownhosts.KeyError
	var revoked *knownhosts.RevokedError
	msg := err.Error()
	return errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed) ||
		errors.Is(err, transport.ErrInvalidAuthMethod) || errors.As(err, &keyErr) || errors.As(err, &revoked) ||
		strings.Contains(msg, "ssh: unable to authenticate") ||
		strings.Contains(msg, "ssh: no common algorithm for host key")
}

// unreachable reports whether the connection to the remote could not be made or was reset.
func unreachable(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	return errors.As(err, &opErr) || errors.As(err, &dnsErr) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET)
}

// rejected reports whether err says the remote branch moved or the remote refused the update: go-git's own
// fast-forward check, or a receive-pack status such as "fetch first" or "failed to update ref".
func rejected(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "non-fast-forward") || strings.Contains(msg, "command error on") ||
		strings.Contains(msg, "fetch first") || strings.Contains(msg, "failed to update ref")
}
