// Package x509 is Kyverno's `x509` CEL library: x509.decode(pem) decodes the first PEM block of a string, a
// CERTIFICATE or a CERTIFICATE REQUEST with an RSA public key, into a map whose keys are the Go field names of
// crypto/x509's types, as Kyverno returns them: for a certificate Raw, RawTBSCertificate, RawSubjectPublicKeyInfo,
// RawSubject, RawIssuer and Signature (base64), PublicKeyAlgorithm, PublicKey {N (decimal string), E},
// SerialNumber, Issuer, NotBefore and NotAfter (RFC 3339), KeyUsage, Extensions, ExtKeyUsage, IsCA, DNSNames,
// EmailAddresses, IPAddresses, URI and name constraints, CRLDistributionPoints, PolicyIdentifiers, ...; numbers
// are doubles. A missing PEM block, another block type, a parse error or a non-RSA key is an error. The cost is 1
// plus 0.1 per byte read.
package x509
