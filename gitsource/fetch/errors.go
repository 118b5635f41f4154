package fetch

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Reason is a short CamelCase word that says why a fetch failed. It is
// meant for the Reason field of a status condition.
type Reason string

// Reasons carried by *Error.
const (
	// ReasonAuth: the server refused the credentials, or the SSH host key
	// did not match known_hosts.
	ReasonAuth Reason = "AuthenticationFailed"
	// ReasonNotFound: the repository, branch, tag, commit or path does not exist.
	ReasonNotFound Reason = "NotFound"
	// ReasonTimeout: the operation did not finish within Options.Timeout.
	ReasonTimeout Reason = "Timeout"
	// ReasonUnreachable: the server could not be reached (refused, DNS, reset).
	ReasonUnreachable Reason = "Unreachable"
	// ReasonNoSemVerMatch: no tag satisfies the SemVer range.
	ReasonNoSemVerMatch Reason = "NoSemVerMatch"
	// ReasonSignature: signature verification was asked for and failed.
	ReasonSignature Reason = "SignatureVerificationFailed"
	// ReasonInvalid: the Options themselves are wrong (no ref, bad key, ...).
	ReasonInvalid Reason = "InvalidOptions"
	// ReasonFailed: anything else (local storage, protocol errors).
	ReasonFailed Reason = "FetchFailed"
)

// Error is the error type returned by this package. Test it with errors.Is
// against the sentinels below, or take its Reason with errors.As.
type Error struct {
	// Reason classifies the failure.
	Reason Reason
	// Err is the underlying cause; nil only in the sentinels.
	Err error
}

// Sentinels for errors.Is; they compare by Reason only.
var (
	ErrAuth          = &Error{Reason: ReasonAuth}
	ErrNotFound      = &Error{Reason: ReasonNotFound}
	ErrTimeout       = &Error{Reason: ReasonTimeout}
	ErrUnreachable   = &Error{Reason: ReasonUnreachable}
	ErrNoSemVerMatch = &Error{Reason: ReasonNoSemVerMatch}
	ErrSignature     = &Error{Reason: ReasonSignature}
	ErrInvalid       = &Error{Reason: ReasonInvalid}
	ErrFailed        = &Error{Reason: ReasonFailed}
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

// ReasonOf returns the Reason of err, or ReasonFailed when err does not
// come from this package, or "" when err is nil.
func ReasonOf(err error) Reason {
	if err == nil {
		return ""
	}
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Reason
	}
	return ReasonFailed
}

// newError wraps err with reason, keeping an existing *Error as is.
func newError(reason Reason, err error) error {
	var fe *Error
	if errors.As(err, &fe) {
		return err
	}
	return &Error{Reason: reason, Err: err}
}

// classify turns an error from go-git (or the network below it) into an
// *Error. ctx is the operation's context: once it is done, its error wins.
func classify(ctx context.Context, err error) error {
	var fe *Error
	if errors.As(err, &fe) {
		return err
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		return contextError(ctxErr, err)
	}
	return &Error{Reason: reasonFor(err), Err: err}
}

// contextError reports a finished context; cause (may be nil) is the error
// the interrupted operation returned.
func contextError(ctxErr, cause error) error {
	reason := ReasonFailed
	if errors.Is(ctxErr, context.DeadlineExceeded) {
		reason = ReasonTimeout
	}
	if cause == nil || errors.Is(cause, ctxErr) {
		return &Error{Reason: reason, Err: ctxErr}
	}
	return &Error{Reason: reason, Err: errors.Join(ctxErr, cause)}
}

func reasonFor(err error) Reason {
	var keyErr *knownhosts.KeyError
	var revoked *knownhosts.RevokedError
	var opErr *net.OpError
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return ReasonTimeout
	case errors.Is(err, transport.ErrAuthenticationRequired),
		errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod),
		errors.As(err, &keyErr), errors.As(err, &revoked),
		strings.Contains(err.Error(), "ssh: unable to authenticate"),
		strings.Contains(err.Error(), "ssh: no common algorithm for host key"):
		return ReasonAuth
	case errors.Is(err, transport.ErrRepositoryNotFound),
		errors.Is(err, transport.ErrEmptyRemoteRepository),
		errors.Is(err, git.NoMatchingRefSpecError{}):
		return ReasonNotFound
	case errors.As(err, &opErr), errors.As(err, &dnsErr),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return ReasonUnreachable
	}
	return ReasonFailed
}
