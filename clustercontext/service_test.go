package clustercontext_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/clustercontext"
	"github.com/bylaw-dev/bylaw/engine"
)

// echoServer is an HTTPS service whose /echo answers with what it received; other paths fail, stall or answer too much.
func echoServer(t *testing.T) (srv *httptest.Server, caBundle string, conns *atomic.Int32) {
	t.Helper()
	conns = &atomic.Int32{}
	srv = httptest.NewUnstartedServer(http.HandlerFunc(serve))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // refused handshakes are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	caBundle = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	return srv, caBundle, conns
}

func serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/echo":
		var body any
		raw, _ := io.ReadAll(r.Body)
		if len(raw) > 0 {
			_ = json.Unmarshal(raw, &body)
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "body": body,
			"contentType": r.Header.Get("Content-Type"), "token": r.Header.Get("X-Token")})
	case "/fail":
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	case "/sized": // a JSON string of exactly 32 bytes
		_, _ = io.WriteString(w, `"`+strings.Repeat("x", 30)+`"`)
	case "/text":
		_, _ = io.WriteString(w, "hello")
	case "/slow":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
}

// otherCA is a self-signed CA that did not sign the test server's certificate.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "other CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestServiceCall(t *testing.T) {
	srv, trusted, _ := echoServer(t)
	wrong := otherCA(t)
	isVerifyError := func(t *testing.T, err error) {
		var verr *tls.CertificateVerificationError
		assert.ErrorAs(t, err, &verr, "a certificate verification error")
		assert.ErrorContains(t, err, "x509")
	}
	token := map[string]string{"X-Token": "secret"}
	tests := []struct {
		name     string
		path     string
		method   string
		data     map[string]any
		headers  map[string]string
		bundle   string
		timeout  time.Duration
		maxBytes int64
		want     any
		wantErr  string
		check    func(*testing.T, error)
	}{
		{name: "trusted bundle, default method GET", path: "/echo", bundle: trusted,
			want: map[string]any{"method": "GET", "body": nil, "contentType": "", "token": ""}},
		{name: "POST sends the data as JSON and the headers", path: "/echo", bundle: trusted, method: "post",
			data: map[string]any{"image": "nginx", "n": int64(2)}, headers: token,
			want: map[string]any{"method": "POST", "body": map[string]any{"image": "nginx", "n": int64(2)},
				"contentType": "application/json", "token": "secret"}},
		{name: "POST without data sends an empty object", path: "/echo", bundle: trusted, method: "POST",
			want: map[string]any{"method": "POST", "body": map[string]any{}, "contentType": "application/json", "token": ""}},
		{name: "GET sends the headers", path: "/echo", bundle: trusted, method: "GET", headers: token,
			want: map[string]any{"method": "GET", "body": nil, "contentType": "", "token": "secret"}},
		{name: "no bundle uses the system roots, which do not trust the server", path: "/echo",
			wantErr: srv.URL + "/echo", check: isVerifyError},
		{name: "a bundle of another CA is not trusted", path: "/echo", bundle: wrong,
			wantErr: srv.URL + "/echo", check: isVerifyError},
		{name: "a bundle without PEM certificates", path: "/echo", bundle: "not a certificate",
			wantErr: "caBundle holds no PEM certificate"},
		{name: "method other than GET or POST", path: "/echo", bundle: trusted, method: "PUT",
			wantErr: `method "PUT" is not GET or POST`},
		{name: "non-2xx names the URL and the status", path: "/fail", bundle: trusted,
			wantErr: srv.URL + "/fail: HTTP 503 Service Unavailable: overloaded"},
		{name: "response of exactly the limit", path: "/sized", bundle: trusted, maxBytes: 32,
			want: strings.Repeat("x", 30)},
		{name: "response over the limit", path: "/sized", bundle: trusted, maxBytes: 31,
			wantErr: srv.URL + "/sized: response larger than 31 bytes"},
		{name: "response not JSON", path: "/text", bundle: trusted, wantErr: "response is not JSON"},
		{name: "timeout honoured", path: "/slow", bundle: trusted, timeout: 100 * time.Millisecond,
			wantErr: srv.URL + "/slow", check: func(t *testing.T, err error) {
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			call := engine.APICall{Method: tt.method, Data: tt.data,
				Service: &engine.ServiceCall{URL: srv.URL + tt.path, CABundle: tt.bundle, Headers: tt.headers}}
			l := &clustercontext.Loader{Timeout: tt.timeout, MaxResponseBytes: tt.maxBytes}
			start := time.Now()
			got, err := l.Call(context.Background(), call)
			assert.Less(t, time.Since(start), 2*time.Second)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.ErrorContains(t, err, tt.wantErr)
				if tt.check != nil {
					tt.check(t, err)
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestServiceClientReused shows the client for one bundle is built once: calls share one connection.
func TestServiceClientReused(t *testing.T) {
	srv, bundle, conns := echoServer(t)
	l := &clustercontext.Loader{}
	for range 5 {
		_, err := l.Call(context.Background(), engine.APICall{Service: &engine.ServiceCall{URL: srv.URL + "/echo", CABundle: bundle}})
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), conns.Load(), "five calls with one bundle should reuse one connection")
}

func TestNotServed(t *testing.T) {
	l := &clustercontext.Loader{}
	_, err := l.ImageData(context.Background(), "ghcr.io/bylaw/app:1")
	assert.ErrorIs(t, err, clustercontext.ErrNotServed)
	assert.ErrorContains(t, err, "ghcr.io/bylaw/app:1")
	_, err = l.GlobalContext(context.Background(), "deployments")
	assert.ErrorIs(t, err, clustercontext.ErrNotServed)
	assert.ErrorContains(t, err, "deployments")
	_, err = l.Call(context.Background(), engine.APICall{})
	assert.ErrorContains(t, err, "neither a urlPath nor a service")
}
