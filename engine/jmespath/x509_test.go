package jmespath

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestX509Decode(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	cert := selfSigned(t, rsaKey, rsaKey.Public())
	data := map[string]any{
		"cert":   cert,
		"b64":    base64.StdEncoding.EncodeToString([]byte(cert)),
		"csr":    certRequest(t, rsaKey),
		"ecCert": selfSigned(t, ecKey, ecKey.Public()),
		"other":  string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1}})),
	}
	runCases(t, testInterpreter(), []fnCase{
		{name: "subject", expr: "x509_decode(cert).Subject.CommonName", data: data, want: "*.kyverno.svc"},
		{name: "is CA", expr: "x509_decode(cert).IsCA", data: data, want: true},
		{name: "public key exponent", expr: "x509_decode(cert).PublicKey.E", data: data, want: 65537.0},
		{name: "public key modulus", expr: "x509_decode(cert).PublicKey.N", data: data, want: rsaKey.N.String()},
		{name: "validity with time_since", expr: "base64_decode(b64) | x509_decode(@) | time_since('', NotBefore, NotAfter)",
			data: data, want: "8760h0m0s"},
		{name: "certificate request", expr: "x509_decode(csr).Subject.CommonName", data: data, want: "csr.example"},
		{name: "not rsa", expr: "x509_decode(ecCert)", data: data, wantErr: "JMESPath function 'x509_decode': certificate should use rsa algorithm"},
		{name: "not pem", expr: "x509_decode('hello')", wantErr: "failed to decode PEM block"},
		{name: "other block", expr: "x509_decode(other)", data: data, wantErr: "PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST"},
		{name: "type error", expr: "x509_decode(`1`)", wantErr: "invalid type"},
	})
}

func selfSigned(t *testing.T, signer crypto.Signer, pub crypto.PublicKey) string {
	t.Helper()
	notBefore := time.Date(2022, 10, 10, 11, 46, 32, 0, time.UTC)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "*.kyverno.svc"},
		NotBefore:             notBefore,
		NotAfter:              notBefore.Add(365 * 24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, signer)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func certRequest(t *testing.T, key *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
		Subject: pkix.Name{CommonName: "csr.example"},
	}, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}
