// Package server runs `bylaw serve`: one controller-runtime manager that holds the policy store, loads policy
// objects into it, keeps the webhook certificate and configurations, and serves admission over HTTPS.
//
// Every replica loads policies, keeps its certificate and serves admission; writes to the cluster that must happen
// once (webhook configurations, policy status) are done by the elected leader. Health (/healthz) and readiness
// (/readyz: the first policy set is loaded and a serving certificate is present) are served on their own port, and
// Prometheus metrics on another.
package server
