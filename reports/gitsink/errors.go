package gitsink

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Reason is a short CamelCase word that says why a publication failed, for the Reason of a status condition.
type Reason string

// Reasons carried by *Error.
const (
	// ReasonUnreachable: the remote could not be reached (refused, reset, DNS, closed connection).
	ReasonUnreachable Reason = "Unreachable"
	// ReasonRejected: the remote refused the push every time it was tried, or for a reason a retry cannot fix.
	ReasonRejected Reason = "PushRejected"
	// ReasonAuth: the remote refused the credentials, or the SSH host key did not match known_hosts.
	ReasonAuth Reason = "AuthenticationFailed"
	// ReasonNotFound: the repository does not exist.
	ReasonNotFound Reason = "RepositoryNotFound"
	// ReasonTimeout: the publication did not finish in time.
	ReasonTimeout Reason = "Timeout"
	// ReasonInvalid: the Target itself is wrong (URL, branch or path).
	ReasonInvalid Reason = "InvalidTarget"
	// ReasonFailed: anything else (local cache, protocol errors).
	ReasonFailed Reason = "PublishFailed"
)

// Error is the error type Publish returns. Test it with errors.Is against the sentinels, or take its Reason with
// errors.As or ReasonOf.
type Error struct {
	// Reason classifies the failure.
	Reason Reason
	// Err is the cause; nil only in the sentinels.
	Err error
}

// Sentinels for errors.Is; they compare by Reason only.
var (
	ErrUnreachable = &Error{Reason: ReasonUnreachable}
	ErrRejected    = &Error{Reason: ReasonRejected}
	ErrAuth        = &Error{Reason: ReasonAuth}
	ErrNotFound    = &Error{Reason: ReasonNotFound}
	ErrTimeout     = &Error{Reason: ReasonTimeout}
	ErrInvalid     = &Error{Reason: ReasonInvalid}
	ErrFailed      = &Error{Reason: ReasonFailed}
)

// Error implements error.
func (e *Error) Error() string {
	if e.Err == nil {
		return string(e.Reason)
	}
	return string(e.Reason) + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is a sentinel *Error with the same Reason.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Err == nil && t.Reason == e.Reason
}

// ReasonOf returns the Reason of err: ReasonFailed when err does not come from this package, "" when err is nil.
func ReasonOf(err error) Reason {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Reason
	}
	return ReasonFailed
}

// classify turns an error of go-git (or of the network below it) into an *Error; once ctx is done, its error wins.
func classify(ctx context.Context, err error) error {
	if _, ok := errors.AsType[*Error](err); ok {
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		reason := ReasonFailed
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			reason = ReasonTimeout
		}
		return &Error{Reason: reason, Err: errors.Join(ctxErr, err)}
	}
	return &Error{Reason: reasonFor(err), Err: err}
}

// reasonFor classifies err by its type, or by its text where go-git gives no type.
func reasonFor(err error) Reason {
	var keyErr *knownhosts.KeyError
	var revoked *knownhosts.RevokedError
	var opErr *net.OpError
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod), errors.As(err, &keyErr), errors.As(err, &revoked),
		strings.Contains(err.Error(), "ssh: unable to authenticate"):
		return ReasonAuth
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return ReasonNotFound
	case errors.As(err, &opErr), errors.As(err, &dnsErr), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, io.EOF),
		errors.Is(err, io.ErrUnexpectedEOF):
		return ReasonUnreachable
	case rejected(err):
		return ReasonRejected
	}
	return ReasonFailed
}

// rejected reports whether err says the remote branch moved or the remote refused the update: go-git's own
// fast-forward check, or a receive-pack status such as "fetch first" or "failed to update ref".
func rejected(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "non-fast-forward") || strings.Contains(msg, "command error on") ||
		strings.Contains(msg, "fetch first") || strings.Contains(msg, "failed to update ref")
}
