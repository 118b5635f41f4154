package gitsink

import (
	"context"

	"github.com/bylaw-dev/bylaw/gitremote"
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
type Error = gitremote.Error[Reason]

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

// ReasonOf returns the Reason of err: ReasonFailed when err does not come from this package, "" when err is nil.
func ReasonOf(err error) Reason { return gitremote.ReasonOf(err, ReasonFailed) }

// classify turns an error of go-git (or of the network below it) into an *Error; once ctx is done, its error wins.
func classify(ctx context.Context, err error) error {
	return gitremote.Classify(ctx, err, gitremote.Reasons[Reason]{
		Auth:               ReasonAuth,
		RepositoryNotFound: ReasonNotFound,
		Unreachable:        ReasonUnreachable,
		Disconnected:       ReasonUnreachable,
		Timeout:            ReasonTimeout,
		Rejected:           ReasonRejected,
		Other:              ReasonFailed,
	})
}
