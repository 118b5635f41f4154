package certs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"
	"sigs.k8s.io/controller-runtime/pkg/client/interceptor"
)

func TestKeeperSyncAndSubscribers(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock(t0)
	opts := testOptions()
	opts.Clock = clock.Now
	c := fake.NewClientBuilder().Build()
	k, err := NewKeeper(c, opts)
	require.NoError(t, err)

	assert.False(t, k.NeedLeaderElection())
	assert.Nil(t, k.CABundle())
	assert.Error(t, k.Ready(nil))
	_, err = k.GetCertificate(nil)
	assert.ErrorContains(t, err, "not loaded yet")

	var early [][]byte
	k.OnCABundle(func(b []byte) { early = append(early, b) })
	assert.Empty(t, early, "no bundle yet: not called")

	first, err := k.Sync(ctx)
	require.NoError(t, err)
	require.NoError(t, k.Ready(nil))
	assert.Equal(t, first.CABundle, k.CABundle())
	assert.Equal(t, [][]byte{first.CABundle}, early)
	assertServes(t, k, first)

	var late [][]byte
	k.OnCABundle(func(b []byte) { late = append(late, b) })
	assert.Equal(t, [][]byte{first.CABundle}, late, "called at once with the loaded bundle")

	steps := []struct {
		at             time.Duration
		wantNewCert    bool
		wantNewBundle  bool
		wantBundleSize int
	}{
		{at: 10 * day, wantBundleSize: 1},                                         // nothing due
		{at: 21 * day, wantNewCert: true, wantBundleSize: 1},                      // serving renewed, same CA
		{at: 61 * day, wantNewCert: true, wantNewBundle: true, wantBundleSize: 2}, // CA and serving
		{at: 91 * day, wantNewCert: true, wantNewBundle: true, wantBundleSize: 1}, // old CA pruned
	}
	for _, step := range steps {
		before, notified := k.cert.Load(), len(late)
		clock.Set(t0.Add(step.at))
		b, err := k.Sync(ctx)
		require.NoError(t, err, "day %v", step.at/day)
		assertServes(t, k, b)
		assert.Equal(t, step.wantNewCert, k.cert.Load() != before, "day %v: new certificate", step.at/day)
		if step.wantNewBundle {
			require.Len(t, late, notified+1, "day %v: subscribers told", step.at/day)
			assert.Equal(t, b.CABundle, late[len(late)-1])
		} else {
			assert.Len(t, late, notified, "day %v: subscribers not told", step.at/day)
		}
		assert.Len(t, validCertificates(k.CABundle(), time.Time{}), step.wantBundleSize)
		assert.Equal(t, early, late, "every subscriber sees every change")
	}
}

// assertServes checks that k hands out b's serving certificate.
func assertServes(t *testing.T, k *Keeper, b *Bundle) {
	t.Helper()
	got, err := k.GetCertificate(&tls.ClientHelloInfo{})
	require.NoError(t, err)
	assert.Equal(t, mustCert(t, b.Serving.CertPEM).Raw, got.Leaf.Raw)
}

func TestKeeperTLSConfig(t *testing.T) {
	clock := newFakeClock(t0)
	opts := testOptions()
	opts.Clock = clock.Now
	k, err := NewKeeper(fake.NewClientBuilder().Build(), opts)
	require.NoError(t, err)
	first, err := k.Sync(context.Background())
	require.NoError(t, err)

	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(first.CABundle))
	client := &tls.Config{RootCAs: roots, ServerName: opts.DNSNames[0], Time: clock.Now}

	server := k.TLSConfig() // one configuration for the server's whole life
	assert.Equal(t, uint16(tls.VersionTLS12), server.MinVersion)
	state, err := handshake(server, client)
	require.NoError(t, err)
	assert.Equal(t, mustCert(t, first.Serving.CertPEM).Raw, state.PeerCertificates[0].Raw)

	old := client.Clone()
	old.MaxVersion = tls.VersionTLS11
	_, err = handshake(server, old)
	assert.Error(t, err, "TLS 1.1 is refused")

	clock.Set(t0.Add(21 * day))
	renewed, err := k.Sync(context.Background())
	require.NoError(t, err)
	state, err = handshake(server, client)
	require.NoError(t, err, "same client trust, new certificate")
	assert.Equal(t, mustCert(t, renewed.Serving.CertPEM).Raw, state.PeerCertificates[0].Raw)
	assert.NotEqual(t, mustCert(t, first.Serving.CertPEM).Raw, state.PeerCertificates[0].Raw)
}

// handshake runs one TLS handshake between server and client over a pipe.
func handshake(server, client *tls.Config) (tls.ConnectionState, error) {
	sc, cc := net.Pipe()
	defer sc.Close()
	defer cc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv := tls.Server(sc, server)
	done := make(chan error, 1)
	go func() { done <- srv.HandshakeContext(ctx); sc.Close() }()
	cli := tls.Client(cc, client)
	err := cli.HandshakeContext(ctx)
	cc.Close()
	if srvErr := <-done; err == nil {
		err = srvErr
	}
	return cli.ConnectionState(), err
}

func TestKeeperStartRetriesThenStops(t *testing.T) {
	opts := testOptions()
	opts.Clock = newFakeClock(t0).Now
	opts.Interval = 10 * time.Millisecond
	var gets atomic.Int32
	c := fake.NewClientBuilder().WithInterceptorFuncs(interceptor.Funcs{
		Get: func(ctx context.Context, c client.WithWatch, key client.ObjectKey, obj client.Object, o ...client.GetOption) error {
			if gets.Add(1) <= 2 {
				return apierrors.NewServiceUnavailable("API server starting")
			}
			return c.Get(ctx, key, obj, o...)
		},
	}).Build()
	k, err := NewKeeper(c, opts)
	require.NoError(t, err)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- k.Start(ctx) }()
	require.Eventually(t, func() bool { return k.Ready(nil) == nil }, 5*time.Second, 5*time.Millisecond)
	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(5 * time.Second):
		t.Fatal("Start did not return after its context was cancelled")
	}
	assert.Greater(t, gets.Load(), int32(2))
}

func TestNewKeeperRejectsBadOptions(t *testing.T) {
	_, err := NewKeeper(fake.NewClientBuilder().Build(), Options{SecretName: "x"})
	assert.ErrorContains(t, err, "invalid certificate options")
}
