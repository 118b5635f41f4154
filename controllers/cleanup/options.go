package cleanup

import "time"

// Defaults of Options.
const (
	DefaultRate     = 10
	DefaultPageSize = 500
	// DefaultEvalTimeout bounds the evaluation of one object (context libraries included).
	DefaultEvalTimeout = 10 * time.Second
)

// Options bound the controller's work. The zero value gives the defaults.
type Options struct {
	// Namespace is Bylaw's own namespace, never touched unless a policy names it.
	Namespace string
	// Rate is the number of deletions per second, over every policy; Burst the number allowed at once.
	Rate  float64
	Burst int
	// PageSize is the number of objects one LIST request returns.
	PageSize int64
	// EvalTimeout bounds the evaluation of one object.
	EvalTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Rate <= 0 {
		o.Rate = DefaultRate
	}
	if o.Burst <= 0 {
		o.Burst = max(1, int(o.Rate))
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.EvalTimeout <= 0 {
		o.EvalTimeout = DefaultEvalTimeout
	}
	return o
}
