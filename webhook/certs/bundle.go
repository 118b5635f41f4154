package certs

import (
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Keys of the Secret's data.
const (
	KeyTLSCert = corev1.TLSCertKey       // serving certificate
	KeyTLSKey  = corev1.TLSPrivateKeyKey // serving key
	KeyCACert  = "ca.crt"                // CA bundle: current CA first, then earlier CAs until they expire
	KeyCAKey   = "ca.key"                // current CA's key; absent when the Secret is managed elsewhere
)

// Bundle is the webhook's TLS material as stored in the Secret.
type Bundle struct {
	// Serving is the serving certificate and key (tls.crt, tls.key).
	Serving KeyPair
	// CA is the current CA: the certificate of CABundle whose public key is
	// ca.key's. It is empty when no certificate matches ca.key.
	CA KeyPair
	// CABundle is ca.crt, the PEM certificates a client of the webhook trusts.
	CABundle []byte
	// External is true when the Secret holds a serving certificate but no CA
	// key: someone else manages it, and this package never writes it.
	External bool
	// ResourceVersion of the Secret the bundle was read from or written to.
	ResourceVersion string
}

// BundleFromSecret reads the material of s. It does not validate it: see [Plan].
func BundleFromSecret(s *corev1.Secret) *Bundle {
	b := &Bundle{
		Serving:         KeyPair{CertPEM: s.Data[KeyTLSCert], KeyPEM: s.Data[KeyTLSKey]},
		CABundle:        s.Data[KeyCACert],
		ResourceVersion: s.ResourceVersion,
	}
	caKey := s.Data[KeyCAKey]
	b.External = len(caKey) == 0 && len(b.Serving.CertPEM) > 0
	if signer, err := ParsePrivateKey(caKey); err == nil {
		if ca := certificateOf(signer.Public(), b.CABundle); ca != nil {
			b.CA = KeyPair{CertPEM: EncodeCertificates(ca), KeyPEM: caKey}
		}
	}
	return b
}

// SecretData is the Secret data that stores b.
func (b *Bundle) SecretData() map[string][]byte {
	return map[string][]byte{
		KeyTLSCert: b.Serving.CertPEM,
		KeyTLSKey:  b.Serving.KeyPEM,
		KeyCACert:  b.CABundle,
		KeyCAKey:   b.CA.KeyPEM,
	}
}

// TLSCertificate parses the serving key pair for a tls.Config; Leaf is set.
func (b *Bundle) TLSCertificate() (*tls.Certificate, error) {
	cert, err := tls.X509KeyPair(b.Serving.CertPEM, b.Serving.KeyPEM)
	if err != nil {
		return nil, fmt.Errorf("parse serving key pair: %w", err)
	}
	return &cert, nil
}

// Renewal says what [Rotate] must issue, and why.
type Renewal struct {
	CA      bool     // issue a new CA (the old one stays in the bundle until it expires)
	Serving bool     // issue a new serving certificate, signed by the current CA
	Prune   bool     // drop expired or unreadable certificates from the bundle
	Reasons []string // one line per finding, for logs
}

// Due reports whether anything must be written.
func (r Renewal) Due() bool { return r.CA || r.Serving || r.Prune }

// Plan decides, at time now, what b needs to serve opts' names with a
// certificate that is not due for renewal. An external bundle never needs anything.
func Plan(b *Bundle, opts Options, now time.Time) Renewal {
	opts = opts.withDefaults()
	var r Renewal
	if b.External {
		return r
	}
	if ca, err := b.CA.Certificate(); err != nil {
		r.CA = true
		r.Reasons = append(r.Reasons, "no CA certificate matches ca.key")
	} else if at := RenewalTime(ca, opts.RenewBeforeFraction); !now.Before(at) {
		r.CA = true
		r.Reasons = append(r.Reasons, fmt.Sprintf("CA renewal was due at %s", at.Format(time.RFC3339)))
	}
	if reason := servingProblem(b, opts, now); reason != "" {
		r.Serving = true
		r.Reasons = append(r.Reasons, reason)
	}
	if kept := validCertificates(b.CABundle, now); len(EncodeCertificates(kept...)) != len(b.CABundle) {
		r.Prune = true
		r.Reasons = append(r.Reasons, "CA bundle holds expired or unreadable certificates")
	}
	return r
}

// servingProblem says why b's serving certificate cannot stay, or "" when it can.
func servingProblem(b *Bundle, opts Options, now time.Time) string {
	pair, err := b.TLSCertificate()
	if err != nil {
		return err.Error()
	}
	cert := pair.Leaf
	if at := RenewalTime(cert, opts.RenewBeforeFraction); !now.Before(at) {
		return fmt.Sprintf("serving certificate renewal was due at %s", at.Format(time.RFC3339))
	}
	if missing := missingNames(cert, opts); len(missing) > 0 {
		return fmt.Sprintf("serving certificate does not cover %v", missing)
	}
	roots := x509.NewCertPool()
	for _, c := range validCertificates(b.CABundle, now) {
		roots.AddCert(c)
	}
	verify := x509.VerifyOptions{Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if _, err := cert.Verify(verify); err != nil {
		return fmt.Sprintf("serving certificate does not verify against ca.crt: %v", err)
	}
	return ""
}

// missingNames lists the DNS names and IP addresses of opts that cert's SANs lack.
func missingNames(cert *x509.Certificate, opts Options) []string {
	var missing []string
	for _, name := range opts.DNSNames {
		if !slices.Contains(cert.DNSNames, name) {
			missing = append(missing, name)
		}
	}
	for _, ip := range opts.IPAddresses {
		if !slices.ContainsFunc(cert.IPAddresses, ip.Equal) {
			missing = append(missing, ip.String())
		}
	}
	return missing
}

// Rotate returns a copy of b with what r asks for issued at time now. When
// the serving certificate is replaced before its own renewal time (its names
// changed), the new one keeps the old names too, so that replicas asking for
// different names during a rolling update converge instead of taking turns.
func Rotate(b *Bundle, r Renewal, opts Options, now time.Time) (*Bundle, error) {
	opts = opts.withDefaults()
	next := &Bundle{Serving: b.Serving, CA: b.CA, ResourceVersion: b.ResourceVersion}
	if r.CA {
		ca, err := NewCA(opts, now)
		if err != nil {
			return nil, fmt.Errorf("renew CA: %w", err)
		}
		next.CA = *ca
	}
	current, err := next.CA.Certificate()
	if err != nil {
		return nil, fmt.Errorf("read current CA: %w", err)
	}
	next.CABundle = caBundle(current, b.CABundle, now)
	if r.Serving {
		dnsNames, ips := servingNames(b, opts, now)
		serving, err := newServingCert(&next.CA, opts, dnsNames, ips, now)
		if err != nil {
			return nil, fmt.Errorf("renew serving certificate: %w", err)
		}
		next.Serving = *serving
	}
	return next, nil
}

// caBundle is current followed by the other certificates of old still valid at now.
func caBundle(current *x509.Certificate, old []byte, now time.Time) []byte {
	certs := []*x509.Certificate{current}
	for _, c := range validCertificates(old, now) {
		if !slices.ContainsFunc(certs, c.Equal) {
			certs = append(certs, c)
		}
	}
	return EncodeCertificates(certs...)
}

// servingNames are opts' names, plus those of b's serving certificate while it is not due.
func servingNames(b *Bundle, opts Options, now time.Time) ([]string, []net.IP) {
	dnsNames := slices.Clone(opts.DNSNames)
	ips := slices.Clone(opts.IPAddresses)
	pair, err := b.TLSCertificate()
	if err != nil || !now.Before(RenewalTime(pair.Leaf, opts.RenewBeforeFraction)) {
		return dnsNames, ips
	}
	for _, name := range pair.Leaf.DNSNames {
		if !slices.Contains(dnsNames, name) {
			dnsNames = append(dnsNames, name)
		}
	}
	for _, ip := range pair.Leaf.IPAddresses {
		if !slices.ContainsFunc(ips, ip.Equal) {
			ips = append(ips, ip)
		}
	}
	return dnsNames, ips
}

// validCertificates parses the CERTIFICATE blocks of pemBytes and keeps those
// that parse and have not expired at now.
func validCertificates(pemBytes []byte, now time.Time) []*x509.Certificate {
	var certs []*x509.Certificate
	for rest := pemBytes; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			return certs
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if block.Type == pemTypeCertificate && err == nil && now.Before(cert.NotAfter) {
			certs = append(certs, cert)
		}
	}
}

// certificateOf returns the certificate of bundle whose public key is pub, or nil.
func certificateOf(pub crypto.PublicKey, bundle []byte) *x509.Certificate {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	key, ok := pub.(equaler)
	if !ok {
		return nil
	}
	for rest := bundle; ; {
		var block *pem.Block
		if block, rest = pem.Decode(rest); block == nil {
			return nil
		}
		if cert, err := x509.ParseCertificate(block.Bytes); err == nil && key.Equal(cert.PublicKey) {
			return cert
		}
	}
}
