package x509

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

func pemOf(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func testCert(t *testing.T, key any, pub any) string {
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: "leaf", Organization: []string{"Bylaw"}},
		Issuer:       pkix.Name{CommonName: "leaf"},
		NotBefore:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		DNSNames:     []string{"a.example.com", "b.example.com"},
		IsCA:         true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, key)
	require.NoError(t, err)
	return pemOf("CERTIFICATE", der)
}

func TestDecode(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	cert := testCert(t, rsaKey, &rsaKey.PublicKey)
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "req"}, DNSNames: []string{"req.example.com"}}, rsaKey)
	require.NoError(t, err)
	csr := pemOf("CERTIFICATE REQUEST", csrDER)
	env := libtest.Env(t, Lib(), cel.Variable("pem", cel.StringType))
	tests := []struct {
		expr, pem string
		want      any
	}{
		{`x509.decode(pem).SerialNumber`, cert, 42.0},
		{`x509.decode(pem).NotAfter`, cert, "2027-01-01T00:00:00Z"},
		{`x509.decode(pem).DNSNames`, cert, []any{"a.example.com", "b.example.com"}},
		{`x509.decode(pem).IsCA`, cert, true},
		{`x509.decode(pem).Issuer.CommonName`, cert, "leaf"},
		{`x509.decode(pem).PublicKey.E`, cert, 65537.0},
		{`x509.decode(pem).PublicKey.N == "` + rsaKey.N.String() + `"`, cert, true},
		{`x509.decode(pem).Subject.CommonName`, csr, "req"},
		{`x509.decode(pem).DNSNames`, csr, []any{"req.example.com"}},
		{`x509.decode(pem).PublicKey.E`, csr, 65537.0},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.want, libtest.Eval(t, env, tt.expr, map[string]any{"pem": tt.pem}).Native(t))
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	env := libtest.Env(t, Lib(), cel.Variable("pem", cel.StringType))
	tests := []struct{ name, pem, evalErr string }{
		{"not PEM", "hello", "failed to decode PEM block"},
		{"other block", pemOf("PRIVATE KEY", []byte{1, 2}), "neither contains a CERTIFICATE or CERTIFICATE REQUEST"},
		{"bad DER", pemOf("CERTIFICATE", []byte{1, 2, 3}), "x509.decode: x509:"},
		{"bad CSR DER", pemOf("CERTIFICATE REQUEST", []byte{1, 2, 3}), "x509.decode:"},
		{"ECDSA", testCert(t, ecKey, &ecKey.PublicKey), "certificate should use rsa algorithm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := libtest.Eval(t, env, `x509.decode(pem)`, map[string]any{"pem": tt.pem})
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.evalErr)
		})
	}
	assert.Contains(t, libtest.CompileError(env, `x509.decode(1)`), "found no matching overload")
}
