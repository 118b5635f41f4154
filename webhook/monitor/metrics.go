package monitor

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the monitor's Prometheus metrics.
type Metrics struct {
	lastRequest prometheus.Gauge
	repairs     prometheus.Counter
}

// NewMetrics registers the monitor's metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		lastRequest: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bylaw_webhook_last_request_seconds",
			Help: "Unix time of the last call of the monitor webhook this replica saw through the API server; " +
				"alert on time() - bylaw_webhook_last_request_seconds > 60."}),
		repairs: prometheus.NewCounter(prometheus.CounterOpts{Name: "bylaw_webhook_repairs_total",
			Help: "Repairs of the webhook configurations made by this replica, as leader, because the API server had stopped calling."}),
	}
	for _, c := range []prometheus.Collector{m.lastRequest, m.repairs} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
