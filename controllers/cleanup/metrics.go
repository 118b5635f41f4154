package cleanup

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the cleanup controller's Prometheus metrics, by policy key. A nil *Metrics records nothing.
type Metrics struct {
	deleted *prometheus.CounterVec
	errors  *prometheus.CounterVec
	lastRun *prometheus.GaugeVec
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		deleted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bylaw_cleanup_deleted_total",
			Help: "Objects the cleanup controller deleted, by policy."}, []string{"policy"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bylaw_cleanup_errors_total",
			Help: "Failures of the cleanup controller (listing, evaluation, deletion, missing permissions), by policy."},
			[]string{"policy"}),
		lastRun: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "bylaw_cleanup_last_run_timestamp_seconds",
			Help: "Unix time of the last run of a cleanup policy."}, []string{"policy"}),
	}
	for _, c := range []prometheus.Collector{m.deleted, m.errors, m.lastRun} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) countDeleted(policy string) {
	if m != nil {
		m.deleted.WithLabelValues(policy).Inc()
	}
}

func (m *Metrics) countErrors(policy string, n int) {
	if m != nil && n > 0 {
		m.errors.WithLabelValues(policy).Add(float64(n))
	}
}

func (m *Metrics) setLastRun(policy string, at time.Time) {
	if m != nil {
		m.lastRun.WithLabelValues(policy).Set(float64(at.Unix()))
	}
}
