package certs

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log"
)

// ClientCAKey is the key of a client CA Secret that holds the PEM bundle.
const ClientCAKey = "ca.crt"

// ClientCASource is where the PEM bundle of client CAs comes from; it is read at every TLS handshake, so it must be cheap.
type ClientCASource interface {
	// String names the source in errors and logs, e.g. "file /etc/bylaw/client-ca.crt".
	String() string
	// Read returns the PEM bundle.
	Read(ctx context.Context) ([]byte, error)
}

// FileSource reads the client CA bundle from a file, for example a mounted ConfigMap or Secret key.
type FileSource struct{ Path string }

func (f FileSource) String() string { return "file " + f.Path }

// Read returns the file's content.
func (f FileSource) Read(context.Context) ([]byte, error) {
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, fmt.Errorf("reading client CA file: %w", err)
	}
	return b, nil
}

// SecretSource reads the key ca.crt of a Secret through Reader (in `bylaw serve`, the manager's cache of Bylaw's
// namespace, so that a handshake costs no API request).
type SecretSource struct {
	Reader          client.Reader
	Namespace, Name string
}

func (s SecretSource) String() string { return "secret " + s.Namespace + "/" + s.Name }

// Read returns the Secret's ca.crt.
func (s SecretSource) Read(ctx context.Context) ([]byte, error) {
	var secret corev1.Secret
	if err := s.Reader.Get(ctx, client.ObjectKey{Namespace: s.Namespace, Name: s.Name}, &secret); err != nil {
		return nil, fmt.Errorf("reading client CA secret: %w", err)
	}
	b, ok := secret.Data[ClientCAKey]
	if !ok {
		return nil, fmt.Errorf("client CA secret has no key %s", ClientCAKey)
	}
	return b, nil
}

// ParseClientCAs parses a PEM bundle of CA certificates into a pool. It fails when the bundle holds no certificate, or
// a certificate that is not a CA (a client or serving certificate given by mistake would otherwise never match).
func ParseClientCAs(pemBytes []byte) (*x509.CertPool, int, error) {
	certs, err := ParseCertificates(pemBytes)
	if err != nil {
		return nil, 0, err
	}
	pool := x509.NewCertPool()
	for i, c := range certs {
		if !c.BasicConstraintsValid || !c.IsCA {
			return nil, 0, fmt.Errorf("certificate %d (subject %q) is not a CA certificate", i+1, c.Subject.String())
		}
		pool.AddCert(c)
	}
	return pool, len(certs), nil
}

// ClientAuth requires every TLS client to present a certificate that chains to a CA of Source and, when Names is not
// empty, carries one of Names as its common name or as a DNS name: the handshake fails otherwise, before any HTTP.
//
// Source is read at every handshake and parsed again only when its bytes change, so a new bundle takes effect on the
// next connection without a restart. When the source cannot be read or parsed, the last good pool stays in force and
// OnFailure is called; before a first good pool every handshake is refused. There is no fallback to no client
// authentication.
type ClientAuth struct {
	Source ClientCASource
	// Names, when not empty: the client certificate must carry one of them (common name or DNS SAN).
	Names []string
	// OnFailure, when set, is called on every handshake where Source cannot be read or parsed (e.g. to count it).
	OnFailure func(error)

	good    atomic.Pointer[caPool]
	mu      sync.Mutex // serialises parsing and the failure log
	lastErr string
}

// caPool is a parsed bundle and the bytes it was parsed from.
type caPool struct {
	pem  []byte
	pool *x509.CertPool
}

// Load reads and parses Source once; `bylaw serve` calls it at start so that a bad bundle stops it.
func (a *ClientAuth) Load(ctx context.Context) error {
	data, err := a.Source.Read(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Source, err)
	}
	return a.parse(ctx, data)
}

// parse swaps in the pool of data, or returns why it cannot.
func (a *ClientAuth) parse(ctx context.Context, data []byte) error {
	pool, n, err := ParseClientCAs(data)
	if err != nil {
		return fmt.Errorf("%s: %w", a.Source, err)
	}
	a.good.Store(&caPool{pem: bytes.Clone(data), pool: pool})
	a.lastErr = ""
	log.FromContext(ctx).Info("client CA bundle loaded", "source", a.Source.String(), "caCertificates", n)
	return nil
}

// pool returns the pool in force after reading Source.
func (a *ClientAuth) pool(ctx context.Context) (*x509.CertPool, error) {
	data, err := a.Source.Read(ctx)
	cur := a.good.Load()
	if err == nil && cur != nil && bytes.Equal(cur.pem, data) {
		return cur.pool, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err == nil {
		if err = a.parse(ctx, data); err == nil {
			return a.good.Load().pool, nil
		}
	} else {
		err = fmt.Errorf("%s: %w", a.Source, err)
	}
	a.failed(ctx, err, cur != nil)
	if cur != nil {
		return cur.pool, nil
	}
	return nil, err
}

// failed reports a source that cannot be used: logged when the reason changes, passed to OnFailure every time.
func (a *ClientAuth) failed(ctx context.Context, err error, kept bool) {
	if a.OnFailure != nil {
		a.OnFailure(err)
	}
	if err.Error() == a.lastErr {
		return
	}
	a.lastErr = err.Error()
	msg := "client CA bundle not usable: every TLS handshake is refused"
	if kept {
		msg = "client CA bundle not usable: the last good one stays in force"
	}
	log.FromContext(ctx).Error(err, msg, "source", a.Source.String())
}

// ServerConfig returns a copy of base that requires and verifies client certificates as described on [ClientAuth].
// The pool is chosen per handshake (tls.Config.GetConfigForClient); base must not set GetConfigForClient itself.
func (a *ClientAuth) ServerConfig(base *tls.Config) *tls.Config {
	outer := base.Clone()
	// Never used for a handshake (GetConfigForClient always returns a config or an error), set for clarity: an empty
	// pool trusts no client.
	outer.ClientAuth, outer.ClientCAs = tls.RequireAndVerifyClientCert, x509.NewCertPool()
	outer.GetConfigForClient = func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
		pool, err := a.pool(hello.Context())
		if err != nil {
			return nil, err
		}
		// Cloned per handshake, so that what net/http adds to the server's config (ALPN) is kept.
		cfg := outer.Clone()
		cfg.GetConfigForClient = nil
		cfg.ClientCAs = pool
		cfg.VerifyConnection = a.verifyName
		return cfg, nil
	}
	return outer
}

// verifyName checks the verified client certificate against Names.
func (a *ClientAuth) verifyName(cs tls.ConnectionState) error {
	if len(a.Names) == 0 {
		return nil
	}
	if len(cs.PeerCertificates) == 0 {
		return errors.New("no client certificate")
	}
	leaf := cs.PeerCertificates[0]
	if slices.Contains(a.Names, leaf.Subject.CommonName) || slices.ContainsFunc(leaf.DNSNames, func(n string) bool {
		return slices.Contains(a.Names, n)
	}) {
		return nil
	}
	return fmt.Errorf("client certificate %q (DNS names %v) carries none of the allowed names %v",
		leaf.Subject.CommonName, leaf.DNSNames, a.Names)
}
