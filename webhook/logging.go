package webhook

import (
	"slices"

	"github.com/go-logr/logr"
)

// requestLogger returns base with the key-value pairs that values returns, built only when a line is written. With
// the zap logger of `bylaw serve`, WithValues encodes its pairs at once; most admission requests log nothing, so
// deferring them keeps that cost off the hot path. Lines read exactly as base.WithValues(values()...) writes them.
func requestLogger(base logr.Logger, values func() []any) logr.Logger {
	sink := base.GetSink()
	if sink == nil {
		return base // the discarding logger
	}
	return logr.New(&deferredSink{base: sink, values: values}).V(base.GetV())
}

// deferredSink is a logr.LogSink that adds its pairs to base per written line.
type deferredSink struct {
	base   logr.LogSink
	values func() []any
	// extra are pairs added by WithValues, after values.
	extra []any
	// depth is the call depth asked for by WithCallDepth.
	depth int
}

var _ logr.CallDepthLogSink = (*deferredSink)(nil)

// Init keeps base as initialised by its own logger: the frame of this sink is added when a line is written.
func (*deferredSink) Init(logr.RuntimeInfo) {}

func (s *deferredSink) Enabled(level int) bool { return s.base.Enabled(level) }

func (s *deferredSink) Info(level int, msg string, keysAndValues ...any) {
	s.sink().Info(level, msg, keysAndValues...)
}

func (s *deferredSink) Error(err error, msg string, keysAndValues ...any) {
	s.sink().Error(err, msg, keysAndValues...)
}

func (s *deferredSink) WithValues(keysAndValues ...any) logr.LogSink {
	out := *s
	out.extra = append(slices.Clip(s.extra), keysAndValues...)
	return &out
}

func (s *deferredSink) WithName(name string) logr.LogSink {
	out := *s
	out.base = s.base.WithName(name)
	return &out
}

func (s *deferredSink) WithCallDepth(depth int) logr.LogSink {
	out := *s
	out.depth += depth
	return &out
}

// sink is base with the pairs, one frame deeper (this sink's Info or Error) when base reports callers.
func (s *deferredSink) sink() logr.LogSink {
	base := s.base
	if cd, ok := base.(logr.CallDepthLogSink); ok {
		base = cd.WithCallDepth(s.depth + 1)
	}
	return base.WithValues(append(s.values(), s.extra...)...)
}
