package certs

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// Common names of the certificates this package issues.
const (
	caCommonNamePrefix = "bylaw-webhook-ca"
	pemTypeCertificate = "CERTIFICATE"
	pemTypePrivateKey  = "PRIVATE KEY"
)

// KeyPair is a PEM-encoded certificate and its private key. KeyPEM is empty
// for a CA whose key is not ours.
type KeyPair struct {
	CertPEM []byte
	KeyPEM  []byte
}

// Certificate parses the first certificate of CertPEM.
func (kp *KeyPair) Certificate() (*x509.Certificate, error) {
	certs, err := ParseCertificates(kp.CertPEM)
	if err != nil {
		return nil, err
	}
	return certs[0], nil
}

// Signer parses KeyPEM (PKCS#8, SEC 1 or PKCS#1).
func (kp *KeyPair) Signer() (crypto.Signer, error) {
	return ParsePrivateKey(kp.KeyPEM)
}

// NewCA creates a self-signed CA valid from now (less a little clock skew) for opts.CAValidity.
func NewCA(opts Options, now time.Time) (*KeyPair, error) {
	opts = opts.withDefaults()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: fmt.Sprintf("%s@%d", caCommonNamePrefix, now.Unix())},
		NotBefore:             now.Add(-clockSkew),
		NotAfter:              now.Add(opts.CAValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	return sign(tmpl, tmpl, key, key)
}

// NewServingCert creates a serving certificate (server auth) for opts.DNSNames
// and opts.IPAddresses, signed by ca, valid from now for opts.CertValidity but
// never beyond the CA's own expiry.
func NewServingCert(ca *KeyPair, opts Options, now time.Time) (*KeyPair, error) {
	return newServingCert(ca, opts.withDefaults(), opts.DNSNames, opts.IPAddresses, now)
}

func newServingCert(ca *KeyPair, opts Options, dnsNames []string, ips []net.IP, now time.Time) (*KeyPair, error) {
	if len(dnsNames) == 0 && len(ips) == 0 {
		return nil, errors.New("serving certificate needs at least one DNS name or IP address")
	}
	caCert, err := ca.Certificate()
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	caKey, err := ca.Signer()
	if err != nil {
		return nil, fmt.Errorf("parse CA key: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate serving key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	cn := ""
	if len(dnsNames) > 0 {
		cn = dnsNames[0]
	} else {
		cn = ips[0].String()
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now.Add(-clockSkew),
		NotAfter:              minTime(now.Add(opts.CertValidity), caCert.NotAfter),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              dnsNames,
		IPAddresses:           ips,
	}
	return sign(tmpl, caCert, key, caKey)
}

// sign creates the certificate tmpl for key's public half, signed by parent's signer.
func sign(tmpl, parent *x509.Certificate, key *ecdsa.PrivateKey, signer crypto.Signer) (*KeyPair, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), signer)
	if err != nil {
		return nil, fmt.Errorf("create certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("marshal key of %q: %w", tmpl.Subject.CommonName, err)
	}
	return &KeyPair{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: pemTypeCertificate, Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: pemTypePrivateKey, Bytes: keyDER}),
	}, nil
}

func randomSerial() (*big.Int, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("draw serial number: %w", err)
	}
	return serial.Add(serial, big.NewInt(1)), nil // serial numbers must be positive
}

// ParseCertificates parses every CERTIFICATE block of pemBytes; other blocks
// are ignored. It fails when there is none.
func ParseCertificates(pemBytes []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for rest := pemBytes; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != pemTypeCertificate {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("parse certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM certificate found")
	}
	return certs, nil
}

// ParsePrivateKey parses the first PEM block of keyPEM as a PKCS#8, SEC 1 (EC)
// or PKCS#1 (RSA) private key.
func ParsePrivateKey(keyPEM []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		return nil, errors.New("no PEM private key found")
	}
	if key, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("PKCS#8 key of type %T cannot sign", key)
		}
		return signer, nil
	}
	if key, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	if key, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return key, nil
	}
	return nil, fmt.Errorf("PEM block %q is not a PKCS#8, EC or RSA private key", block.Type)
}

// EncodeCertificates PEM-encodes certs in order.
func EncodeCertificates(certs ...*x509.Certificate) []byte {
	var buf bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&buf, &pem.Block{Type: pemTypeCertificate, Bytes: c.Raw}) // writing to a bytes.Buffer cannot fail
	}
	return buf.Bytes()
}

// RenewalTime is when cert is due for renewal: once less than fraction of its lifetime remains.
func RenewalTime(cert *x509.Certificate, fraction float64) time.Time {
	lifetime := cert.NotAfter.Sub(cert.NotBefore)
	return cert.NotAfter.Add(-time.Duration(float64(lifetime) * fraction))
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}
