package http

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

type fakeClient struct {
	last   Request
	method string
	err    error
}

func (f *fakeClient) HTTPGet(_ context.Context, r Request) (any, error) {
	f.last, f.method = r, "GET"
	return map[string]any{"ok": true, "method": "GET"}, f.err
}

func (f *fakeClient) HTTPPost(_ context.Context, r Request) (any, error) {
	f.last, f.method = r, "POST"
	return map[string]any{"ok": true, "method": "POST"}, f.err
}

// newCA returns a self-signed PEM certificate for http.Client.
func newCA(t *testing.T) string {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"}, IsCA: true,
		BasicConstraintsValid: true, NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestHTTP(t *testing.T) {
	testCA := newCA(t)
	hosts := Hosts{"api.example.com", "internal:8443", "*.svc.cluster.local"}
	tests := []struct {
		expr   string
		method string
		want   Request
	}{
		{`http.Get("https://api.example.com/v1/x")`, "GET", Request{URL: "https://api.example.com/v1/x"}},
		{`http.Get("http://API.example.com:8080/x", {"Authorization": "Bearer t"})`, "GET",
			Request{URL: "http://API.example.com:8080/x", Headers: map[string]string{"Authorization": "Bearer t"}}},
		{`http.Post("https://internal:8443/check", {"image": "nginx", "n": 1})`, "POST",
			Request{URL: "https://internal:8443/check", Body: map[string]any{"image": "nginx", "n": int64(1)}}},
		{`http.Post("https://a.b.svc.cluster.local/x", ["v"], {"X": "y"})`, "POST",
			Request{URL: "https://a.b.svc.cluster.local/x", Body: []any{"v"}, Headers: map[string]string{"X": "y"}}},
		{`http.Client(ca).Get("https://api.example.com/")`, "GET", Request{URL: "https://api.example.com/", CABundle: testCA}},
		{`http.Client("").Get("https://api.example.com/")`, "GET", Request{URL: "https://api.example.com/"}},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			c := &fakeClient{}
			envCA := libtest.Env(t, Lib(), varCA())
			res := libtest.Eval(t, envCA, tt.expr, map[string]any{Name: Value(context.Background(), c, hosts), "ca": testCA})
			assert.Equal(t, map[string]any{"ok": true, "method": tt.method}, res.Native(t))
			assert.Equal(t, tt.want, c.last)
		})
	}
}

func TestHTTPErrors(t *testing.T) {
	env := libtest.Env(t, Lib(), varCA())
	hosts := Hosts{"api.example.com", "internal:8443", "*.example.org"}
	tests := []struct {
		name, expr string
		client     Client
		hosts      Hosts
		err        string
	}{
		{"off", `http.Get("https://api.example.com/")`, &fakeClient{}, nil, "request failed: http is not enabled"},
		{"host not allowed", `http.Get("https://evil.example.net/")`, &fakeClient{}, hosts, `host "evil.example.net" is not among`},
		{"wrong port", `http.Get("https://internal:9443/")`, &fakeClient{}, hosts, `host "internal:9443" is not among`},
		{"default port is not 8443", `http.Get("https://internal/")`, &fakeClient{}, hosts, "is not among"},
		{"apex of a wildcard", `http.Get("https://example.org/")`, &fakeClient{}, hosts, "is not among"},
		{"suffix trick", `http.Get("https://api.example.com.evil.net/")`, &fakeClient{}, hosts, "is not among"},
		{"userinfo trick", `http.Get("https://api.example.com@evil.net/")`, &fakeClient{}, hosts, `"evil.net"`},
		{"scheme", `http.Get("file:///etc/passwd")`, &fakeClient{}, hosts, "the scheme must be http or https"},
		{"no host", `http.Get("https:///x")`, &fakeClient{}, hosts, "has no host"},
		{"bad URL", `http.Get("https://api.example.com/%zz")`, &fakeClient{}, hosts, "invalid URL"},
		{"unbound", `http.Get("https://api.example.com/")`, nil, hosts, "request failed: no source of outside data"},
		{"service error", `http.Post("https://api.example.com/", {})`, &fakeClient{err: errors.New("HTTP 500")}, hosts,
			"request failed: HTTP 500"},
		{"bad CA bundle", `http.Client("not a PEM").Get("https://api.example.com/")`, &fakeClient{}, hosts,
			"failed to parse PEM CA bundle"},
		{"body JSON cannot hold", `http.Post("https://api.example.com/", {1: 2})`, &fakeClient{}, hosts, "JSON object keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := libtest.Eval(t, env, tt.expr, map[string]any{Name: Value(context.Background(), tt.client, tt.hosts), "ca": ""})
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.err)
		})
	}
	for _, expr := range []string{`http.Get(1)`, `http.Get("u", {"a": 1})`, `http.Post("u")`, `http.Client(1)`} {
		assert.Contains(t, libtest.CompileError(env, expr), "found no matching overload", expr)
	}
}
