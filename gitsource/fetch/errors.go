package fetch

import (
	"context"

	"github.com/bylaw-dev/bylaw/gitremote"
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
	// ReasonTooLarge: the repository holds an object larger than Options.MaxObjectBytes; the fetch stopped before
	// reading it. The value is bundle.ErrTooLarge's.
	ReasonTooLarge Reason = "TooLarge"
	// ReasonInvalid: the Options themselves are wrong (no ref, bad key, ...).
	ReasonInvalid Reason = "InvalidOptions"
	// ReasonFailed: anything else (local storage, protocol errors).
	ReasonFailed Reason = "FetchFailed"
)

// Error is the error type returned by this package. Test it with errors.Is
// against the sentinels below, or take its Reason with errors.As.
type Error = gitremote.Error[Reason]

// Sentinels for errors.Is; they compare by Reason only.
var (
	ErrAuth          = &Error{Reason: ReasonAuth}
	ErrNotFound      = &Error{Reason: ReasonNotFound}
	ErrTimeout       = &Error{Reason: ReasonTimeout}
	ErrUnreachable   = &Error{Reason: ReasonUnreachable}
	ErrNoSemVerMatch = &Error{Reason: ReasonNoSemVerMatch}
	ErrSignature     = &Error{Reason: ReasonSignature}
	ErrTooLarge      = &Error{Reason: ReasonTooLarge}
	ErrInvalid       = &Error{Reason: ReasonInvalid}
	ErrFailed        = &Error{Reason: ReasonFailed}
)

// ReasonOf returns the Reason of err, or ReasonFailed when err does not
// come from this package, or "" when err is nil.
func ReasonOf(err error) Reason { return gitremote.ReasonOf(err, ReasonFailed) }

// classify turns an error from go-git (or the network below it) into an
// *Error. ctx is the operation's context: once it is done, its error wins
// (err may then be nil).
func classify(ctx context.Context, err error) error {
	return gitremote.Classify(ctx, err, gitremote.Reasons[Reason]{
		Auth:               ReasonAuth,
		RepositoryNotFound: ReasonNotFound,
		RefNotFound:        ReasonNotFound,
		Unreachable:        ReasonUnreachable,
		Timeout:            ReasonTimeout,
		Other:              ReasonFailed,
	})
}
