package gitremote_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitremote"
)

// reason is a caller's Reason type, as gitsource/fetch and reports/gitsink declare one.
type reason string

const (
	reasonAuth    reason = "AuthenticationFailed"
	reasonMissing reason = "NotFound"
	reasonTimeout reason = "Timeout"
	reasonFailed  reason = "Failed"
)

// testError is how a caller names the error type.
type testError = gitremote.Error[reason]

func TestClassify(t *testing.T) {
	// Reasons for some kinds only: the others get Other.
	reasons := gitremote.Reasons[reason]{Auth: reasonAuth, RepositoryNotFound: reasonMissing,
		RefNotFound: reasonMissing, Timeout: reasonTimeout, Other: reasonFailed}
	expired, cancelExpired := context.WithTimeout(context.Background(), 0)
	defer cancelExpired()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	refused := fmt.Errorf("push: %w", transport.ErrAuthorizationFailed)
	already := fmt.Errorf("wrapped: %w", &testError{Reason: reasonMissing, Err: errors.New("gone")})
	waitedOut := fmt.Errorf("push: %w", context.DeadlineExceeded)
	tests := []struct {
		name      string
		ctx       context.Context
		err       error
		want      reason
		wantCause error // the exact cause carried, when it matters
		inChain   []error
	}{
		{name: "kind with a reason", ctx: context.Background(), err: refused, want: reasonAuth, wantCause: refused},
		{name: "kind without a reason gets Other", ctx: context.Background(), err: errors.New("fetch first"), want: reasonFailed},
		{name: "already classified stays", ctx: expired, err: already, want: reasonMissing, wantCause: errors.Unwrap(already)},
		{name: "deadline wins", ctx: expired, err: refused, want: reasonTimeout, inChain: []error{context.DeadlineExceeded, refused}},
		{name: "cancellation wins", ctx: canceled, err: refused, want: reasonFailed, inChain: []error{context.Canceled, refused}},
		{name: "done without an error", ctx: expired, want: reasonTimeout, wantCause: context.DeadlineExceeded},
		{name: "cause holding the deadline is kept", ctx: expired, err: waitedOut, want: reasonTimeout, wantCause: waitedOut},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := gitremote.Classify(tt.ctx, tt.err, reasons)
			require.ErrorIs(t, err, &testError{Reason: tt.want}, "a sentinel of the reason")
			assert.Equal(t, tt.want, gitremote.ReasonOf(err, reasonFailed))
			if tt.wantCause != nil {
				assert.Equal(t, tt.wantCause, errors.Unwrap(err))
			}
			for _, e := range tt.inChain {
				assert.ErrorIs(t, err, e)
			}
		})
	}
	assert.NoError(t, gitremote.Classify(context.Background(), nil, reasons), "nothing to classify")
}

func TestReasonsFor(t *testing.T) {
	full := gitremote.Reasons[reason]{Auth: "a", RepositoryNotFound: "b", RefNotFound: "c", Unreachable: "d",
		Disconnected: "e", Timeout: "f", Canceled: "g", Rejected: "h", Other: "i"}
	tests := []struct {
		kind gitremote.Kind
		want reason
	}{
		{gitremote.KindAuth, "a"}, {gitremote.KindRepositoryNotFound, "b"}, {gitremote.KindRefNotFound, "c"},
		{gitremote.KindUnreachable, "d"}, {gitremote.KindDisconnected, "e"}, {gitremote.KindTimeout, "f"},
		{gitremote.KindCanceled, "g"}, {gitremote.KindRejected, "h"}, {gitremote.KindOther, "i"}, {"Unknown", "i"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			assert.Equal(t, tt.want, full.For(tt.kind))
			assert.Equal(t, reasonFailed, gitremote.Reasons[reason]{Other: reasonFailed}.For(tt.kind))
		})
	}
}

func TestError(t *testing.T) {
	cause := errors.New("boom")
	auth := &testError{Reason: reasonAuth, Err: cause}
	wrapped := fmt.Errorf("wrapped: %w", auth)
	tests := []struct {
		name   string
		err    error
		target error
		is     bool
	}{
		{"matches the sentinel of its reason", wrapped, &testError{Reason: reasonAuth}, true},
		{"keeps its cause", wrapped, cause, true},
		{"not another reason", wrapped, &testError{Reason: reasonTimeout}, false},
		{"a sentinel is not an instance", &testError{Reason: reasonAuth}, auth, false},
		{"another Reason type is another error", wrapped, &gitremote.Error[string]{Reason: string(reasonAuth)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.is, errors.Is(tt.err, tt.target))
		})
	}
	assert.Equal(t, "AuthenticationFailed: boom", auth.Error())
	assert.Equal(t, "Timeout", (&testError{Reason: reasonTimeout}).Error())
	assert.Equal(t, reasonAuth, gitremote.ReasonOf(wrapped, reasonFailed))
	assert.Equal(t, reasonFailed, gitremote.ReasonOf(cause, reasonFailed), "not an *Error: other")
	assert.Equal(t, reason(""), gitremote.ReasonOf(nil, reasonFailed))
}
