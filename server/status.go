package server

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook/monitor"
)

// sourceStatus is one policy source in force, as /status shows it.
type sourceStatus struct {
	Source   string   `json:"source"`
	Revision string   `json:"revision,omitempty"`
	Digest   string   `json:"digest,omitempty"`
	Signers  []string `json:"signers,omitempty"`
	Policies []string `json:"policies"`
}

// statusHandler serves the policy set in force by source: for a GitSource, the bundle's revision, digest and signers;
// and the webhook monitor's condition on this replica (webhookMonitor, absent before the first probe or without one).
func statusHandler(store *policy.Store, monitorStatus *monitor.Status) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		snap := store.Snapshot()
		bySource := map[string]*sourceStatus{}
		for _, p := range snap.Policies {
			src := snap.Source(p.Key())
			s, ok := bySource[src]
			if !ok {
				s = &sourceStatus{Source: src, Revision: p.Provenance.Revision, Digest: p.Provenance.Digest,
					Signers: p.Provenance.Signers}
				bySource[src] = s
			}
			s.Policies = append(s.Policies, p.Key())
		}
		out := struct {
			Revision int64               `json:"revision"`
			Ready    bool                `json:"ready"`
			Sources  []sourceStatus      `json:"sources"`
			Monitor  *monitor.StatusView `json:"webhookMonitor,omitempty"`
		}{Revision: snap.Revision, Ready: store.Ready(), Sources: []sourceStatus{}, Monitor: monitorStatus.Get()}
		for _, s := range bySource {
			out.Sources = append(out.Sources, *s)
		}
		sort.Slice(out.Sources, func(i, j int) bool { return out.Sources[i].Source < out.Sources[j].Source })
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
}
