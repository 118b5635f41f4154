package certs

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
	"sigs.k8s.io/controller-runtime/pkg/manager"
)

// Compile-time checks: a Keeper runs in a manager, on every replica.
var (
	_ manager.Runnable               = (*Keeper)(nil)
	_ manager.LeaderElectionRunnable = (*Keeper)(nil)
)

// firstRetry is the wait after a failed sync; it doubles up to Options.Interval.
const firstRetry = time.Second

// Keeper keeps the webhook's serving certificate current on one replica: it
// calls [Ensure] every Options.Interval and serves what the Secret holds.
type Keeper struct {
	client client.Client
	opts   Options

	cert     atomic.Pointer[tls.Certificate]
	caBundle atomic.Pointer[[]byte]

	mu          sync.Mutex // serialises Sync and OnCABundle
	subscribers []func([]byte)
}

// NewKeeper returns a Keeper for opts (see [Options] for defaults) that reads
// and writes the Secret with c (see [Ensure] about caching).
func NewKeeper(c client.Client, opts Options) (*Keeper, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return &Keeper{client: c, opts: opts}, nil
}

// NeedLeaderElection is false: every replica serves the webhook, so every one keeps its certificate.
func (k *Keeper) NeedLeaderElection() bool { return false }

// Start syncs at once, then every Options.Interval until ctx is done; after a
// failure it retries sooner (1s, doubling up to the interval). Failures are
// logged, not returned, so that a passing API server outage does not stop the manager.
func (k *Keeper) Start(ctx context.Context) error {
	logger := log.FromContext(ctx).WithName("webhook-certs").
		WithValues(logKeySecret, k.opts.Namespace+"/"+k.opts.SecretName)
	ctx = log.IntoContext(ctx, logger)
	retry := firstRetry
	for {
		wait := k.opts.Interval
		if _, err := k.Sync(ctx); err != nil {
			logger.Error(err, "webhook TLS material not synced", "retryIn", retry.String())
			wait = min(retry, wait)
			retry *= 2
		} else {
			retry = firstRetry
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

// Sync calls [Ensure] once and loads the result: a new serving certificate is
// used from the next handshake on, and a new CA bundle is passed to every
// OnCABundle subscriber before Sync returns.
func (k *Keeper) Sync(ctx context.Context) (*Bundle, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	b, err := Ensure(ctx, k.client, k.opts)
	if err != nil {
		return nil, err
	}
	if err := k.load(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// load swaps in b's serving certificate and CA bundle when they differ from those in use.
func (k *Keeper) load(ctx context.Context, b *Bundle) error {
	logger := log.FromContext(ctx)
	if cur := k.cert.Load(); cur == nil || !bytes.Equal(cur.Leaf.Raw, leafDER(b)) {
		pair, err := b.TLSCertificate()
		if err != nil {
			return fmt.Errorf("load serving certificate of secret %s/%s: %w", k.opts.Namespace, k.opts.SecretName, err)
		}
		k.cert.Store(pair)
		logger.Info("serving certificate loaded", logKeyNotAfter, pair.Leaf.NotAfter.Format(time.RFC3339),
			"serial", pair.Leaf.SerialNumber.Text(16), logKeyVersion, b.ResourceVersion)
	}
	if cur := k.caBundle.Load(); cur != nil && bytes.Equal(*cur, b.CABundle) {
		return nil
	}
	bundle := bytes.Clone(b.CABundle)
	k.caBundle.Store(&bundle)
	logger.Info("CA bundle loaded", "caCertificates", len(validCertificates(bundle, k.opts.Clock())))
	for _, notify := range k.subscribers {
		notify(bytes.Clone(bundle))
	}
	return nil
}

// leafDER is the DER of b's first serving certificate, or nil.
func leafDER(b *Bundle) []byte {
	cert, err := b.Serving.Certificate()
	if err != nil {
		return nil
	}
	return cert.Raw
}

// GetCertificate returns the serving certificate in force; it is meant for
// tls.Config.GetCertificate, so every handshake gets the latest one.
func (k *Keeper) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	cert := k.cert.Load()
	if cert == nil {
		return nil, errors.New("webhook serving certificate not loaded yet")
	}
	return cert, nil
}

// TLSConfig returns a server configuration that requires TLS 1.2 or later and
// takes the certificate from GetCertificate.
func (k *Keeper) TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: k.GetCertificate}
}

// CABundle returns a copy of ca.crt as last loaded, or nil before the first sync.
func (k *Keeper) CABundle() []byte {
	if b := k.caBundle.Load(); b != nil {
		return bytes.Clone(*b)
	}
	return nil
}

// OnCABundle subscribes fn to CA bundle changes, for example to inject caBundle
// into webhook configurations. fn is called at once when a bundle is already
// loaded, then from Sync whenever ca.crt changes. fn runs synchronously with
// Sync: it must return promptly and must not call OnCABundle.
func (k *Keeper) OnCABundle(fn func(caBundle []byte)) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.subscribers = append(k.subscribers, fn)
	if bundle := k.CABundle(); bundle != nil {
		fn(bundle)
	}
}

// Ready is a health check (controller-runtime's healthz.Checker): an error
// until a serving certificate is loaded.
func (k *Keeper) Ready(*http.Request) error {
	if k.cert.Load() == nil {
		return errors.New("webhook serving certificate not loaded yet")
	}
	return nil
}
