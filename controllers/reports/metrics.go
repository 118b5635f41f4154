package reports

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the report writer's Prometheus metrics. A nil *Metrics records nothing.
type Metrics struct {
	writes   *prometheus.CounterVec
	deletes  *prometheus.CounterVec
	errors   *prometheus.CounterVec
	skipped  prometheus.Counter
	bytes    prometheus.Histogram
	retrying prometheus.Gauge
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		writes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bylaw_policy_report_writes_total",
			Help: "Policy reports applied because their content changed, by kind."}, []string{"kind"}),
		deletes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bylaw_policy_report_deletes_total",
			Help: "Policy reports deleted because their namespace has no results left, by kind."}, []string{"kind"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bylaw_policy_report_errors_total",
			Help: "Failed report writes (apply, delete) and listings (list), by operation."}, []string{"operation"}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts{Name: "bylaw_policy_report_skipped_total",
			Help: "Reports not written because their content equals the one last written."}),
		bytes: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "bylaw_policy_report_bytes",
			Help:    "Size of the JSON of the reports written, in bytes.",
			Buckets: prometheus.ExponentialBuckets(1024, 4, 8)}), // 1 KiB .. 16 MiB
		retrying: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bylaw_policy_report_retrying",
			Help: "Namespaces whose report write failed and waits for a retry."}),
	}
	for _, c := range []prometheus.Collector{m.writes, m.deletes, m.errors, m.skipped, m.bytes, m.retrying} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) countWrite(kind string, size int) {
	if m != nil {
		m.writes.WithLabelValues(kind).Inc()
		m.bytes.Observe(float64(size))
	}
}

func (m *Metrics) countDelete(kind string) {
	if m != nil {
		m.deletes.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) countError(operation string) {
	if m != nil {
		m.errors.WithLabelValues(operation).Inc()
	}
}

func (m *Metrics) countSkipped() {
	if m != nil {
		m.skipped.Inc()
	}
}

func (m *Metrics) setRetrying(n int) {
	if m != nil {
		m.retrying.Set(float64(n))
	}
}
