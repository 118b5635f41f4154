package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook/monitor"
)

// Files of --metrics-cert-dir, as a kubernetes.io/tls Secret (for example cert-manager's) holds them.
const (
	metricsCertFile = "tls.crt"
	metricsKeyFile  = "tls.key"
)

// metricsServing returns how /metrics and /status are served. By default over HTTPS, each request authenticated by
// a TokenReview and authorized by a SubjectAccessReview of its path (verb get, non-resource URL), so a scraper needs
// a ClusterRole such as bylaw-metrics-reader and Bylaw needs to create both reviews. The serving certificate comes
// from --metrics-cert-dir, reloaded when it changes; without it controller-runtime makes a self-signed one at start.
// --metrics-secure=false serves plain HTTP without authentication, on a loopback address only (Validate).
func metricsServing(o *Options, store *policy.Store, monitorStatus *monitor.Status) (metricsserver.Options, error) {
	opts := metricsserver.Options{BindAddress: o.MetricsBindAddress,
		ExtraHandlers: map[string]http.Handler{"/status": statusHandler(store, monitorStatus)}}
	if !o.MetricsSecure {
		return opts, nil
	}
	opts.SecureServing = true
	opts.FilterProvider = filters.WithAuthenticationAndAuthorization
	// HTTP/1.1 only, as kubebuilder scaffolds do: a scraper gains nothing from HTTP/2, and HTTP/2 stream resets
	// have made servers exhaustible before (CVE-2023-44487).
	opts.TLSOpts = []func(*tls.Config){func(c *tls.Config) {
		c.MinVersion = tls.VersionTLS12
		c.NextProtos = []string{"http/1.1"}
	}}
	if o.MetricsCertDir != "" {
		// controller-runtime falls back to a self-signed certificate when the files are missing: refuse instead.
		for _, name := range []string{metricsCertFile, metricsKeyFile} {
			if _, err := os.Stat(filepath.Join(o.MetricsCertDir, name)); err != nil {
				return opts, fmt.Errorf("--metrics-cert-dir %s: %w", o.MetricsCertDir, err)
			}
		}
		opts.CertDir, opts.CertName, opts.KeyName = o.MetricsCertDir, metricsCertFile, metricsKeyFile
	}
	return opts, nil
}

// validateMetrics refuses to serve metrics without authentication on an address other hosts can reach.
func (o *Options) validateMetrics() error {
	if o.MetricsSecure || o.MetricsBindAddress == "0" {
		return nil
	}
	host, _, err := net.SplitHostPort(o.MetricsBindAddress)
	if err != nil {
		return fmt.Errorf("--metrics-bind-address %q: %w", o.MetricsBindAddress, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
		return nil
	}
	return errors.New("--metrics-secure=false serves /metrics and /status without authentication: " +
		"--metrics-bind-address must then be a loopback address such as 127.0.0.1:8080")
}
