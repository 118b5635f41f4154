package main

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNotifySignals sends the process SIGUSR1 and SIGUSR2 (the command uses SIGINT and SIGTERM, which would end a
// test binary once released): the first cancels the context, the second exits at once with 128+n.
func TestNotifySignals(t *testing.T) {
	exits := make(chan int, 1)
	ctx, signaled, stop := notifySignals(t.Context(), func(code int) { exits <- code }, syscall.SIGUSR1, syscall.SIGUSR2)
	defer stop()
	assert.Equal(t, 0, signaled())

	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGUSR1))
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the first signal did not cancel the context")
	}
	assert.EqualError(t, context.Cause(ctx), "user defined signal 1 signal received")
	assert.Equal(t, 128+int(syscall.SIGUSR1), signaled())
	assert.Empty(t, exits, "the first signal does not exit")

	require.NoError(t, syscall.Kill(syscall.Getpid(), syscall.SIGUSR2))
	select {
	case code := <-exits:
		assert.Equal(t, 128+int(syscall.SIGUSR2), code)
	case <-time.After(5 * time.Second):
		t.Fatal("the second signal did not exit")
	}
}

func TestNotifySignalsStop(t *testing.T) {
	ctx, signaled, stop := notifySignals(t.Context(), func(int) { t.Error("exit called") }, syscall.SIGUSR1)
	stop()
	stop() // twice is harmless
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
	assert.Equal(t, 0, signaled())
}
