package certs

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewCA(t *testing.T) {
	opts := testOptions()
	ca, err := NewCA(opts, t0)
	require.NoError(t, err)
	cert, err := ca.Certificate()
	require.NoError(t, err)

	assert.True(t, cert.IsCA)
	assert.True(t, cert.BasicConstraintsValid)
	assert.Zero(t, cert.MaxPathLen)
	assert.True(t, cert.MaxPathLenZero)
	assert.Equal(t, x509.KeyUsageCertSign|x509.KeyUsageCRLSign|x509.KeyUsageDigitalSignature, cert.KeyUsage)
	assert.Equal(t, t0.Add(-clockSkew), cert.NotBefore)
	assert.Equal(t, t0.Add(opts.CAValidity), cert.NotAfter)
	assert.Equal(t, x509.ECDSA, cert.PublicKeyAlgorithm)
	assert.Equal(t, elliptic.P256(), cert.PublicKey.(*ecdsa.PublicKey).Curve)
	assert.NoError(t, cert.CheckSignatureFrom(cert), "a CA signs itself")

	signer, err := ca.Signer()
	require.NoError(t, err)
	assert.True(t, signer.Public().(*ecdsa.PublicKey).Equal(cert.PublicKey))

	other, err := NewCA(opts, t0)
	require.NoError(t, err)
	assert.NotEqual(t, cert.SerialNumber, mustCert(t, other.CertPEM).SerialNumber, "serials are random")
	assert.Positive(t, cert.SerialNumber.Sign())
}

func TestNewServingCert(t *testing.T) {
	opts := testOptions()
	ca, err := NewCA(opts, t0)
	require.NoError(t, err)
	caCert := mustCert(t, ca.CertPEM)

	tests := []struct {
		name         string
		at           time.Time
		dnsNames     []string
		ips          []net.IP
		wantCN       string
		wantNotAfter time.Time
	}{
		{name: "dns and ip", at: t0, dnsNames: opts.DNSNames, ips: opts.IPAddresses,
			wantCN: opts.DNSNames[0], wantNotAfter: t0.Add(opts.CertValidity)},
		{name: "ip only", at: t0, ips: []net.IP{net.ParseIP("::1")},
			wantCN: "::1", wantNotAfter: t0.Add(opts.CertValidity)},
		{name: "never outlives its CA", at: t0.Add(80 * day), dnsNames: opts.DNSNames,
			wantCN: opts.DNSNames[0], wantNotAfter: caCert.NotAfter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := opts
			o.DNSNames, o.IPAddresses = tt.dnsNames, tt.ips
			kp, err := NewServingCert(ca, o, tt.at)
			require.NoError(t, err)
			cert := mustCert(t, kp.CertPEM)

			assert.Equal(t, tt.wantCN, cert.Subject.CommonName)
			assert.Equal(t, tt.dnsNames, cert.DNSNames)
			assert.Len(t, cert.IPAddresses, len(tt.ips))
			for i, ip := range tt.ips {
				assert.True(t, ip.Equal(cert.IPAddresses[i]), "IP %d", i)
			}
			assert.False(t, cert.IsCA)
			assert.Equal(t, x509.KeyUsageDigitalSignature, cert.KeyUsage)
			assert.Equal(t, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, cert.ExtKeyUsage)
			assert.Equal(t, tt.at.Add(-clockSkew), cert.NotBefore)
			assert.Equal(t, tt.wantNotAfter, cert.NotAfter)
			assert.Equal(t, caCert.SubjectKeyId, cert.AuthorityKeyId)

			pool := x509.NewCertPool()
			pool.AddCert(caCert)
			for _, name := range append(slicesOfIPs(tt.ips), tt.dnsNames...) {
				_, err := cert.Verify(x509.VerifyOptions{DNSName: name, Roots: pool, CurrentTime: tt.at,
					KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
				assert.NoError(t, err, "verify for %s", name)
			}
			_, err = cert.Verify(x509.VerifyOptions{DNSName: "other.example", Roots: pool, CurrentTime: tt.at})
			assert.Error(t, err, "a name outside the SANs must not verify")
		})
	}
}

func slicesOfIPs(ips []net.IP) []string {
	out := make([]string, 0, len(ips))
	for _, ip := range ips {
		out = append(out, ip.String())
	}
	return out
}

func TestNewServingCertErrors(t *testing.T) {
	opts := testOptions()
	ca, err := NewCA(opts, t0)
	require.NoError(t, err)

	noNames := opts
	noNames.DNSNames, noNames.IPAddresses = nil, nil
	_, err = NewServingCert(ca, noNames, t0)
	assert.ErrorContains(t, err, "at least one DNS name")

	_, err = NewServingCert(&KeyPair{CertPEM: ca.CertPEM}, opts, t0)
	assert.ErrorContains(t, err, "parse CA key")

	_, err = NewServingCert(&KeyPair{KeyPEM: ca.KeyPEM}, opts, t0)
	assert.ErrorContains(t, err, "parse CA certificate")
}

func TestParsePrivateKey(t *testing.T) {
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(ecKey)
	require.NoError(t, err)
	sec1, err := x509.MarshalECPrivateKey(ecKey)
	require.NoError(t, err)

	tests := []struct {
		name    string
		pem     []byte
		wantErr string
	}{
		{name: "PKCS#8", pem: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})},
		{name: "SEC 1", pem: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})},
		{name: "PKCS#1", pem: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey)})},
		{name: "not PEM", pem: []byte("nope"), wantErr: "no PEM private key"},
		{name: "garbage", pem: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2}}), wantErr: "is not a PKCS#8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signer, err := ParsePrivateKey(tt.pem)
			if tt.wantErr != "" {
				assert.ErrorContains(t, err, tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.NotNil(t, signer.Public())
		})
	}
}

func TestParseCertificates(t *testing.T) {
	a, err := NewCA(testOptions(), t0)
	require.NoError(t, err)
	b, err := NewCA(testOptions(), t0)
	require.NoError(t, err)

	certs, err := ParseCertificates(append(append(append([]byte{}, a.CertPEM...), a.KeyPEM...), b.CertPEM...))
	require.NoError(t, err)
	require.Len(t, certs, 2, "the key block is skipped")
	assert.Equal(t, append(append([]byte{}, a.CertPEM...), b.CertPEM...), EncodeCertificates(certs...))

	_, err = ParseCertificates(a.KeyPEM)
	assert.ErrorContains(t, err, "no PEM certificate")
	_, err = ParseCertificates(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1}}))
	assert.ErrorContains(t, err, "parse certificate 1")
}

func TestRenewalTime(t *testing.T) {
	cert := &x509.Certificate{NotBefore: t0, NotAfter: t0.Add(90 * day)}
	assert.Equal(t, t0.Add(60*day), RenewalTime(cert, 1.0/3))
	assert.Equal(t, t0.Add(81*day), RenewalTime(cert, 0.1))
}

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Options)
		wantErr string
	}{
		{name: "valid", mutate: func(*Options) {}},
		{name: "no secret", mutate: func(o *Options) { o.SecretName = "" }, wantErr: "secret name are required"},
		{name: "no names", mutate: func(o *Options) { o.DNSNames, o.IPAddresses = nil, nil }, wantErr: "at least one DNS name"},
		{name: "negative validity", mutate: func(o *Options) { o.CertValidity = -time.Hour }, wantErr: "validities must be positive"},
		{name: "fraction too big", mutate: func(o *Options) { o.RenewBeforeFraction = 1 }, wantErr: "not between 0 and 1"},
		{name: "negative interval", mutate: func(o *Options) { o.Interval = -1 }, wantErr: "interval"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := testOptions()
			tt.mutate(&o)
			err := o.withDefaults().validate()
			if tt.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestOptionsDefaults(t *testing.T) {
	o := Options{}.withDefaults()
	assert.Equal(t, DefaultCAValidity, o.CAValidity)
	assert.Equal(t, DefaultCertValidity, o.CertValidity)
	assert.InDelta(t, 1.0/3, o.RenewBeforeFraction, 1e-9)
	assert.Equal(t, time.Minute, o.Interval)
	assert.NotNil(t, o.Clock)

	short := Options{CertValidity: 5 * time.Minute}.withDefaults()
	assert.Equal(t, 30*time.Second, short.Interval, "a tenth of a short validity")
}
