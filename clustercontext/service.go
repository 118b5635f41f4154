package clustercontext

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/bylaw-dev/bylaw/engine"
)

// maxHTTPClients bounds the number of distinct caBundles whose HTTP clients are kept.
const maxHTTPClients = 32

// maxErrorBody bounds the part of a failed response's body quoted in the error.
const maxErrorBody = 512

func (l *Loader) callService(ctx context.Context, method string, call engine.APICall) ([]byte, error) {
	svc := call.Service
	hc, err := l.clients.get(svc.CABundle, l.timeout())
	if err != nil {
		return nil, fmt.Errorf("apiCall service %s: %w", svc.URL, err)
	}
	req, err := newServiceRequest(ctx, method, call)
	if err != nil {
		return nil, fmt.Errorf("apiCall service %s: %w", svc.URL, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("apiCall service %s: %w", svc.URL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		quoted, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, fmt.Errorf("apiCall service %s: HTTP %s: %s", svc.URL, resp.Status, bytes.TrimSpace(quoted))
	}
	body, err := readLimited(resp.Body, l.maxResponseBytes())
	if err != nil {
		return nil, fmt.Errorf("apiCall service %s: %w", svc.URL, err)
	}
	return body, nil
}

// newServiceRequest builds the HTTP request of a service call: its headers and, for POST, its data as JSON.
func newServiceRequest(ctx context.Context, method string, call engine.APICall) (*http.Request, error) {
	var payload io.Reader
	if method == http.MethodPost {
		data, err := jsonBody(call.Data)
		if err != nil {
			return nil, err
		}
		payload = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, call.Service.URL, payload)
	if err != nil {
		return nil, fmt.Errorf("building request: %w", err)
	}
	for k, v := range call.Service.Headers {
		req.Header.Set(k, v)
	}
	if payload != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// readLimited reads a response body of at most limit bytes; a larger body is an error, not a truncated read.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading response: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("response larger than %d bytes", limit)
	}
	return body, nil
}

// httpClients keeps one HTTP client per distinct caBundle (keyed by its sha256; the empty bundle means the system
// roots), so connections are reused across calls. It holds at most maxHTTPClients; the oldest is dropped first.
// The zero value is ready; it is safe for concurrent use.
type httpClients struct {
	mu    sync.Mutex
	byKey map[[sha256.Size]byte]*http.Client
	order [][sha256.Size]byte // insertion order, oldest first
}

// get returns the client for caBundle, building it on first use.
func (c *httpClients) get(caBundle string, timeout time.Duration) (*http.Client, error) {
	key := sha256.Sum256([]byte(caBundle))
	c.mu.Lock()
	defer c.mu.Unlock()
	if hc, ok := c.byKey[key]; ok {
		return hc, nil
	}
	hc, err := newHTTPClient(caBundle, timeout)
	if err != nil {
		return nil, err
	}
	if c.byKey == nil {
		c.byKey = make(map[[sha256.Size]byte]*http.Client, maxHTTPClients)
	}
	if len(c.order) >= maxHTTPClients {
		oldest := c.order[0]
		c.byKey[oldest].CloseIdleConnections()
		delete(c.byKey, oldest)
		c.order = c.order[1:]
	}
	c.byKey[key] = hc
	c.order = append(c.order, key)
	return hc, nil
}

// len is the number of clients held.
func (c *httpClients) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.byKey)
}

// newHTTPClient builds a client that speaks TLS 1.2 or later and trusts exactly the certificates of caBundle (PEM),
// or the system roots when caBundle is empty.
func newHTTPClient(caBundle string, timeout time.Duration) (*http.Client, error) {
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if caBundle != "" {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM([]byte(caBundle)) {
			return nil, errors.New("caBundle holds no PEM certificate")
		}
		tlsConfig.RootCAs = pool
	}
	var transport *http.Transport
	if base, ok := http.DefaultTransport.(*http.Transport); ok {
		transport = base.Clone()
	} else {
		transport = &http.Transport{}
	}
	transport.TLSClientConfig = tlsConfig
	return &http.Client{Transport: transport, Timeout: timeout}, nil
}
