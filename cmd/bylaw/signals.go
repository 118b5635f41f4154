package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
)

// notifySignals returns a context canceled (with the signal as its cause) on the first of signals, so that the
// command stops its loops and returns; signaled then reports the exit code for that signal (128 plus its number, 130
// for SIGINT, 143 for SIGTERM), 0 while none came. A second signal calls exit with its code at once, whatever the
// command is doing. stop releases the signals.
func notifySignals(parent context.Context, exit func(code int), signals ...os.Signal) (
	ctx context.Context, signaled func() int, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, signals...)
	done := make(chan struct{})
	var first atomic.Int32
	go func() {
		select {
		case s := <-ch:
			first.Store(int32(signalExitCode(s)))
			cancel(fmt.Errorf("%v signal received", s))
		case <-done:
			return
		}
		select {
		case s := <-ch:
			exit(signalExitCode(s))
		case <-done:
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			signal.Stop(ch)
			close(done)
			cancel(context.Canceled)
		})
	}
	return ctx, func() int { return int(first.Load()) }, stop
}

// signalExitCode is the exit code a shell reports for a process ended by s: 128 plus the signal number.
func signalExitCode(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 128 + int(syscall.SIGINT)
}
