package scanner

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the scanner's Prometheus metrics. A nil *Metrics records nothing.
type Metrics struct {
	evaluations *prometheus.CounterVec
	errors      prometheus.Counter
	watched     prometheus.Gauge
}

// NewMetrics creates the metrics and registers them on reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		evaluations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "bylaw_scanner_evaluations_total",
			Help: "Existing objects evaluated by the background scanner, by kind."}, []string{"kind"}),
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: "bylaw_scanner_errors_total",
			Help: "Scans of an object or a kind that failed and were queued again."}),
		watched: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bylaw_scanner_watched_kinds",
			Help: "Kinds the background scanner watches."}),
	}
	for _, c := range []prometheus.Collector{m.evaluations, m.errors, m.watched} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) countEvaluation(kind string) {
	if m != nil {
		m.evaluations.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) countError() {
	if m != nil {
		m.errors.Inc()
	}
}

func (m *Metrics) setWatched(n int) {
	if m != nil {
		m.watched.Set(float64(n))
	}
}
