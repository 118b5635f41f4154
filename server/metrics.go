package server

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bylaw-dev/bylaw/policy"
)

// storeMetrics exports the policy set in force: its revision and size. It runs on every replica.
type storeMetrics struct {
	store    *policy.Store
	revision prometheus.Gauge
	policies prometheus.Gauge
	ready    prometheus.Gauge
	sources  *prometheus.GaugeVec
}

func newStoreMetrics(store *policy.Store, reg prometheus.Registerer) (*storeMetrics, error) {
	m := &storeMetrics{
		store: store,
		revision: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bylaw_policy_set_revision",
			Help: "Revision of the policy set in force; it increases with every change."}),
		policies: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bylaw_policies_loaded",
			Help: "Number of policies in the policy set in force."}),
		ready: prometheus.NewGauge(prometheus.GaugeOpts{Name: "bylaw_policy_set_ready",
			Help: "1 once the first complete policy set is loaded."}),
		sources: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "bylaw_policy_source_policies",
			Help: "Policies in force per source; for a GitSource, labelled with the bundle's revision and digest."},
			[]string{"source", "revision", "digest"}),
	}
	for _, c := range []prometheus.Collector{m.revision, m.policies, m.ready, m.sources} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *storeMetrics) NeedLeaderElection() bool { return false }

func (m *storeMetrics) Start(ctx context.Context) error {
	changes, cancel := m.store.Subscribe()
	defer cancel()
	for {
		snap := m.store.Snapshot()
		m.revision.Set(float64(snap.Revision))
		m.policies.Set(float64(len(snap.Policies)))
		if m.store.Ready() {
			m.ready.Set(1)
		}
		m.sources.Reset()
		for _, p := range snap.Policies {
			m.sources.WithLabelValues(snap.Source(p.Key()), p.Provenance.Revision, p.Provenance.Digest).Inc()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-changes:
		}
	}
}
