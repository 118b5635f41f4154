// Package monitor is Bylaw's self-check of the admission path (the "Webhook Monitor"): every replica updates a Lease
// of its own through the API server, a fail-open mutating webhook of Bylaw stamps the time of the call into that
// update, and the stamp in the API server's answer proves that the API server still calls Bylaw. When no stamp comes
// within a bound the replica reports it (a condition, a metric, a log line) and the leader repairs the webhook
// configurations and tells it in an event.
//
// Handler is the webhook (it only stamps), Tracker the pure decision (healthy, unhealthy, repair once per outage),
// and Monitor the loop that runs them against a cluster.
package monitor
