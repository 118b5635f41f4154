package reports

import (
	"context"
	"time"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"

	"github.com/bylaw-dev/bylaw/reports"
)

// Defaults of Options.
const (
	// DefaultInterval is the time between two looks at the Book when nobody pokes the Writer.
	DefaultInterval = 2 * time.Second
	// DefaultWriteRate is the number of report writes and deletes per second.
	DefaultWriteRate = 20
	// DefaultWorkers is the number of namespaces written at once.
	DefaultWorkers = 2
	// DefaultRetryBase and DefaultRetryMax bound the per-namespace backoff of a failed write.
	DefaultRetryBase = 500 * time.Millisecond
	DefaultRetryMax  = 5 * time.Minute
	// DefaultPageSize is the number of reports a LIST of the existing reports returns per page.
	DefaultPageSize = 500
	// DefaultResync is how often the reports on the API server are read again.
	DefaultResync = 10 * time.Minute
	// DefaultRestorePageSize is the number of whole reports a LIST returns per page when they are restored.
	DefaultRestorePageSize = 20
	// FieldOwner is the field manager of the server-side applies of the reports.
	FieldOwner = "bylaw-reports"
)

// Options tune the Writer. The zero value gives the defaults and never prunes.
type Options struct {
	// Interval is the time between two looks at the Book when nobody pokes the Writer.
	Interval time.Duration
	// WriteRate and WriteBurst form the token bucket of writes and deletes: WriteRate per second, WriteBurst at once
	// (default: WriteRate, at least 1).
	WriteRate  float64
	WriteBurst int
	// Workers is the number of namespaces written at once.
	Workers int
	// RetryBase is the first delay before a failed namespace is tried again; it doubles up to RetryMax.
	RetryBase time.Duration
	RetryMax  time.Duration
	// PageSize is the number of reports a LIST of the existing reports returns per page.
	PageSize int64
	// Resync is how often the reports on the API server are read again, to repair reports changed or deleted by
	// someone else.
	Resync time.Duration
	// Synced reports when the Book holds the producer's first full scan. From then on the Writer deletes the reports
	// of namespaces without results; nil never prunes.
	Synced func() bool
	// Restore, when set, is given the results of every report Bylaw manages on the API server when the Writer
	// starts, before its first write: a new leader takes back what only the reports hold (RestoreAdmission). The
	// reports are then read whole, RestorePageSize at a time, instead of their metadata only.
	Restore func(ctx context.Context, results []v1alpha2.PolicyReportResult)
	// RestorePageSize is the number of whole reports a LIST returns per page (each may be about 1 MiB).
	RestorePageSize int64
}

// withDefaults returns o with every unset field set to its default.
func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.WriteRate <= 0 {
		o.WriteRate = DefaultWriteRate
	}
	if o.WriteBurst <= 0 {
		o.WriteBurst = max(1, int(o.WriteRate))
	}
	if o.Workers <= 0 {
		o.Workers = DefaultWorkers
	}
	if o.RetryBase <= 0 {
		o.RetryBase = DefaultRetryBase
	}
	if o.RetryMax < o.RetryBase {
		o.RetryMax = max(DefaultRetryMax, o.RetryBase)
	}
	if o.Resync <= 0 {
		o.Resync = DefaultResync
	}
	if o.RestorePageSize <= 0 {
		o.RestorePageSize = DefaultRestorePageSize
	}
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	return o
}

// nameOf returns the name of the report of namespace.
func nameOf(namespace string) string {
	if namespace == reports.ClusterScope {
		return reports.ClusterPolicyReportName
	}
	return reports.PolicyReportName
}
