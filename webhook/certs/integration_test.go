package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

// TestIntegrationRacingKeepers: two replicas start at the same moment with no
// Secret; exactly one Secret is created and both serve the same certificate.
func TestIntegrationRacingKeepers(t *testing.T) {
	c, ns := apiServer(t)
	const rounds = 5
	var lost atomic.Int32 // creates refused because the other replica won: shows the race happened
	for round := range rounds {
		opts := testOptions()
		opts.Namespace = ns
		opts.SecretName = fmt.Sprintf("race-%d", round)
		opts.Clock = newFakeClock(t0).Now
		keepers := [2]*Keeper{}
		for i := range keepers {
			k, err := NewKeeper(countLostCreates(newAPIClient(t), &lost), opts)
			require.NoError(t, err)
			keepers[i] = k
		}

		var wg sync.WaitGroup
		start := make(chan struct{})
		bundles, errs := [2]*Bundle{}, [2]error{}
		for i, k := range keepers {
			wg.Go(func() {
				<-start
				bundles[i], errs[i] = k.Sync(context.Background())
			})
		}
		close(start)
		wg.Wait()

		require.NoError(t, errs[0], "round %d", round)
		require.NoError(t, errs[1], "round %d", round)
		stored := readSecret(t, c, opts)
		assert.Equal(t, stored.Data, bundles[0].SecretData(), "round %d: replica 0 uses the stored material", round)
		assert.Equal(t, stored.Data, bundles[1].SecretData(), "round %d: replica 1 uses the stored material", round)
		assert.Equal(t, keepers[0].CABundle(), keepers[1].CABundle())
		assertServes(t, keepers[0], bundles[1])
	}
	t.Logf("%d of %d rounds had a create refused with AlreadyExists", lost.Load(), rounds)
	var list corev1.SecretList
	require.NoError(t, c.List(context.Background(), &list, client.InNamespace(ns),
		client.MatchingLabels{labelManagedBy: managedBy}))
	assert.Len(t, list.Items, rounds, "one Secret per round")
}

// TestIntegrationRotationAcrossReplicas: replica A renews the serving
// certificate after its renewal time; replica B, running as a manager would
// run it, picks it up on its next sync, and its TLS server serves the new
// certificate to a new connection without a restart. A client that trusts
// ca.crt as it was before the renewal verifies both certificates.
func TestIntegrationRotationAcrossReplicas(t *testing.T) {
	c, ns := apiServer(t)
	clock := newFakeClock(t0)
	opts := testOptions()
	opts.Namespace, opts.SecretName, opts.Clock = ns, "webhook-tls", clock.Now
	opts.Interval = 100 * time.Millisecond
	replicaA, err := NewKeeper(c, opts)
	require.NoError(t, err)
	replicaB, err := NewKeeper(newAPIClient(t), opts)
	require.NoError(t, err)

	first, err := replicaA.Sync(context.Background())
	require.NoError(t, err)
	var bundles [][]byte
	var mu sync.Mutex
	replicaB.OnCABundle(func(b []byte) { mu.Lock(); bundles = append(bundles, b); mu.Unlock() })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- replicaB.Start(ctx) }()
	require.Eventually(t, func() bool { return replicaB.Ready(nil) == nil }, 10*time.Second, 20*time.Millisecond)

	addr := serveTLS(t, replicaB.TLSConfig())
	trustBefore := clientFor(t, first.CABundle, opts.DNSNames[0], clock.Now)
	assert.Equal(t, leafOf(t, first), servedCert(t, trustBefore, addr), "serves the initial certificate")

	clock.Set(t0.Add(21 * day))
	renewed, err := replicaA.Sync(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, first.ResourceVersion, renewed.ResourceVersion, "replica A wrote the Secret")
	require.NotEqual(t, leafOf(t, first), leafOf(t, renewed))
	assert.Equal(t, renewed.SecretData(), readSecret(t, c, opts).Data)

	require.Eventually(t, func() bool {
		return string(servedCert(t, trustBefore, addr)) == string(leafOf(t, renewed))
	}, 10*time.Second, 50*time.Millisecond, "replica B serves the renewed certificate to new connections")
	trustAfter := clientFor(t, replicaB.CABundle(), opts.DNSNames[1], clock.Now)
	assert.Equal(t, leafOf(t, renewed), servedCert(t, trustAfter, addr))
	mu.Lock()
	assert.Equal(t, [][]byte{first.CABundle}, bundles, "same CA: the bundle did not change")
	mu.Unlock()

	cancel()
	select {
	case err := <-stopped:
		assert.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("replica B did not stop")
	}
}

// countLostCreates wraps c to count Creates refused with AlreadyExists.
func countLostCreates(c client.WithWatch, lost *atomic.Int32) client.Client {
	return interceptor.NewClient(c, interceptor.Funcs{
		Create: func(ctx context.Context, c client.WithWatch, obj client.Object, o ...client.CreateOption) error {
			err := c.Create(ctx, obj, o...)
			if apierrors.IsAlreadyExists(err) {
				lost.Add(1)
			}
			return err
		},
	})
}

// serveTLS serves HTTP on a loopback port with cfg until the test ends and returns the address.
func serveTLS(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }),
		ReadHeaderTimeout: 5 * time.Second,
	}
	go func() { _ = srv.Serve(tls.NewListener(ln, cfg)) }()
	t.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String()
}

// clientFor is an HTTPS client that trusts caBundle only, checks serverName,
// verifies at the fake clock's time and opens a new connection per request.
func clientFor(t *testing.T, caBundle []byte, serverName string, now func() time.Time) *http.Client {
	t.Helper()
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(caBundle))
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{
			DisableKeepAlives: true,
			TLSClientConfig:   &tls.Config{RootCAs: roots, ServerName: serverName, Time: now, MinVersion: tls.VersionTLS12},
		},
	}
}

// servedCert makes one verified request and returns the DER of the certificate the server presented.
func servedCert(t *testing.T, c *http.Client, addr string) []byte {
	t.Helper()
	resp, err := c.Get("https://" + addr + "/")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	return resp.TLS.PeerCertificates[0].Raw
}

func leafOf(t *testing.T, b *Bundle) []byte {
	t.Helper()
	return mustCert(t, b.Serving.CertPEM).Raw
}
