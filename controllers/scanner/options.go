package scanner

import "time"

// Defaults of Options.
const (
	DefaultFullScanInterval = time.Hour
	DefaultWorkers          = 2
	DefaultRate             = 100
	DefaultBurst            = 200
	DefaultPageSize         = 500
	DefaultEvalTimeout      = 10 * time.Second
)

// Options bound the scanner's work. The zero value gives the defaults.
type Options struct {
	// FullScanInterval is the time between two full scans of every watched kind.
	FullScanInterval time.Duration
	// Workers is the number of objects or kinds evaluated at once.
	Workers int
	// Rate and Burst bound the queue: the number of work items started per second.
	Rate  float64
	Burst int
	// PageSize is the number of objects a LIST of a kind scan returns per page.
	PageSize int64
	// EvalTimeout bounds the evaluation of one object (context entries included).
	EvalTimeout time.Duration
	// Excluded namespaces are never scanned.
	Excluded []string
}

func (o Options) withDefaults() Options {
	if o.FullScanInterval <= 0 {
		o.FullScanInterval = DefaultFullScanInterval
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.Rate <= 0 {
		o.Rate = DefaultRate
	}
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.EvalTimeout <= 0 {
		o.EvalTimeout = DefaultEvalTimeout
	}
	return o
}
