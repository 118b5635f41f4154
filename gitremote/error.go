package gitremote

import (
	"context"
	"errors"
)

// Error is an error of a git remote classified with a caller's Reason type R: each caller declares
// `type Error = gitremote.Error[Reason]` with its own Reason values, which stand in status conditions. Test it with
// errors.Is against a sentinel (an *Error with a Reason and no Err), or take its Reason with ReasonOf.
type Error[R ~string] struct {
	// Reason classifies the failure.
	Reason R
	// Err is the cause; nil only in the sentinels.
	Err error
}

// Error implements error: the Reason, then the cause.
func (e *Error[R]) Error() string {
	if e.Err == nil {
		return string(e.Reason)
	}
	return string(e.Reason) + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error[R]) Unwrap() error { return e.Err }

// Is reports whether target is a sentinel *Error[R] with the same Reason.
func (e *Error[R]) Is(target error) bool {
	t, ok := target.(*Error[R])
	return ok && t.Err == nil && t.Reason == e.Reason
}

// ReasonOf returns the Reason of the first *Error[R] in err's chain: other when there is none, "" when err is nil.
func ReasonOf[R ~string](err error, other R) R {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*Error[R]](err); ok {
		return e.Reason
	}
	return other
}

// Reasons names a caller's Reason for each Kind. A Kind whose field is empty gets Other.
type Reasons[R ~string] struct {
	Auth               R
	RepositoryNotFound R
	RefNotFound        R
	Unreachable        R
	Disconnected       R
	Timeout            R
	Canceled           R
	Rejected           R
	Other              R
}

// For returns the Reason named for k, or Other.
func (rs Reasons[R]) For(k Kind) R {
	byKind := map[Kind]R{
		KindAuth: rs.Auth, KindRepositoryNotFound: rs.RepositoryNotFound, KindRefNotFound: rs.RefNotFound,
		KindUnreachable: rs.Unreachable, KindDisconnected: rs.Disconnected, KindTimeout: rs.Timeout,
		KindCanceled: rs.Canceled, KindRejected: rs.Rejected,
	}
	if r := byKind[k]; r != "" {
		return r
	}
	return rs.Other
}

// Classify turns err, returned by an operation on a git remote that ran under ctx, into an *Error[R] whose Reason
// is reasons.For(KindOf(err)); err is returned as is when its chain already holds an *Error[R], and nil when err is
// nil and ctx is not done.
//
// Once ctx is done, its error wins: the Kind is KindTimeout for an expired deadline and KindCanceled otherwise, and
// the cause is ctx's error when err is nil, err when err already holds ctx's error, and both joined otherwise.
func Classify[R ~string](ctx context.Context, err error, reasons Reasons[R]) error {
	if _, ok := errors.AsType[*Error[R]](err); ok {
		return err
	}
	ctxErr := ctx.Err()
	switch {
	case ctxErr != nil:
		return &Error[R]{Reason: reasons.For(contextKind(ctxErr)), Err: contextCause(ctxErr, err)}
	case err == nil:
		return nil
	}
	return &Error[R]{Reason: reasons.For(KindOf(err)), Err: err}
}

// contextKind classifies the error of a done context.
func contextKind(ctxErr error) Kind {
	if errors.Is(ctxErr, context.DeadlineExceeded) {
		return KindTimeout
	}
	return KindCanceled
}

// contextCause is the cause to report for an operation whose context ended with ctxErr and which returned err.
func contextCause(ctxErr, err error) error {
	switch {
	case err == nil:
		return ctxErr
	case errors.Is(err, ctxErr):
		return err
	}
	return errors.Join(ctxErr, err)
}
