package webhook

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bylaw-dev/bylaw/engine"
)

// Metrics are the admission metrics. A nil *Metrics records nothing.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	rules    *prometheus.CounterVec
	// generate counts generate requests recorded at admission, by policy and outcome.
	generate *prometheus.CounterVec
}

// NewMetrics creates the admission metrics and registers them with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bylaw_admission_requests_total",
			Help: "Admission requests answered, by webhook (validate, mutate), operation, kind and whether they were allowed.",
		}, []string{"webhook", "operation", "kind", "allowed"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bylaw_admission_duration_seconds",
			Help:    "Time to answer an admission request, from reading the review to writing the answer.",
			Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10},
		}, []string{"webhook"}),
		rules: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bylaw_rule_results_total",
			Help: "Rule results at admission, by policy, rule and result (pass, fail, warn, error, skip).",
		}, []string{"policy", "rule", "result"}),
		generate: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bylaw_generate_requests_recorded_total",
			Help: "Generate requests recorded at admission, by policy and result (recorded, failed).",
		}, []string{"policy", "result"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.rules, m.generate} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) observeRequest(webhook, operation, kind string, allowed bool, took time.Duration) {
	if m == nil {
		return
	}
	a := "false"
	if allowed {
		a = "true"
	}
	m.requests.WithLabelValues(webhook, operation, kind, a).Inc()
	m.duration.WithLabelValues(webhook).Observe(took.Seconds())
}

func (m *Metrics) observeRule(p *engine.Policy, rr engine.RuleResult) {
	if m == nil {
		return
	}
	m.rules.WithLabelValues(p.Key(), rr.Rule, string(rr.Status)).Inc()
}

func (m *Metrics) observeGenerateRecord(p *engine.Policy, err error) {
	if m == nil {
		return
	}
	result := "recorded"
	if err != nil {
		result = "failed"
	}
	m.generate.WithLabelValues(p.Key(), result).Inc()
}
