package certs

import (
	"crypto/x509"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// t0 is the start of every test timeline; far from the real now on purpose.
var t0 = time.Date(2031, 3, 1, 12, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// fakeClock is a settable clock for Options.Clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock(now time.Time) *fakeClock { return &fakeClock{now: now} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
}

// testOptions: CA valid 90 days (renewed after ~60), serving certificate 30 days (renewed after ~20).
func testOptions() Options {
	return Options{
		Namespace:    "bylaw-system",
		SecretName:   "bylaw-webhook-tls",
		DNSNames:     []string{"bylaw-webhook.bylaw-system.svc", "bylaw-webhook.bylaw-system.svc.cluster.local"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		CAValidity:   90 * day,
		CertValidity: 30 * day,
	}
}

// issueBundle returns a complete bundle issued at now.
func issueBundle(t *testing.T, opts Options, now time.Time) *Bundle {
	t.Helper()
	b, err := Rotate(&Bundle{}, Renewal{CA: true, Serving: true}, opts, now)
	require.NoError(t, err)
	return b
}

// mustCert parses the first certificate of pemBytes.
func mustCert(t *testing.T, pemBytes []byte) *x509.Certificate {
	t.Helper()
	certs, err := ParseCertificates(pemBytes)
	require.NoError(t, err)
	return certs[0]
}

// verifyServing checks that b's serving certificate verifies for dnsName
// against a pool made of b's CA bundle, at time at.
func verifyServing(t *testing.T, b *Bundle, dnsName string, at time.Time) error {
	t.Helper()
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(b.CABundle), "ca.crt holds no certificate")
	_, err := mustCert(t, b.Serving.CertPEM).Verify(x509.VerifyOptions{
		DNSName: dnsName, Roots: pool, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	})
	return err
}
