package keyless

import (
	"bytes"
	"crypto"
	"encoding/hex"
	"errors"
	"fmt"

	sgbundle "github.com/sigstore/sigstore-go/pkg/bundle"
	"github.com/sigstore/sigstore-go/pkg/fulcio/certificate"
	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

// parse reads a sigstore bundle and insists on what `cosign sign-blob --new-bundle-format` writes: a message
// signature (not a DSSE attestation) made with a certificate (not a public key).
func parse(data []byte) (*sgbundle.Bundle, error) {
	if len(data) > bundle.MaxSignatureBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrMalformed, bundle.MaxSignatureBytes)
	}
	var b sgbundle.Bundle
	if err := b.UnmarshalJSON(data); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if b.GetMessageSignature() == nil {
		return nil, fmt.Errorf("%w: it holds no message signature (a DSSE attestation is not a signature of the manifest)",
			ErrMalformed)
	}
	vc, err := b.VerificationContent()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if vc.Certificate() == nil {
		return nil, fmt.Errorf("%w: it holds no certificate (a key-based signature belongs in a .sig file)", ErrMalformed)
	}
	return &b, nil
}

// diagnose explains why sigstore-go refused a parsed bundle. sigstore-go checks the identity last, so an identity
// mismatch means everything else verified; the other kinds are told from the bundle's own content.
func diagnose(err error, b *sgbundle.Bundle, tr root.TrustedMaterial, manifest []byte, want expected) error {
	var noMatch *sgverify.ErrNoMatchingCertificateIdentity
	if errors.As(err, &noMatch) {
		if mismatch := identityMismatch(b, want); mismatch != nil {
			return mismatch
		}
		return fmt.Errorf("%w: %w", ErrNotVerified, err)
	}
	if mismatch := artifactMismatch(b, manifest); mismatch != nil {
		return mismatch
	}
	if entries, _ := b.TlogEntries(); len(entries) == 0 && len(tr.RekorLogs()) > 0 {
		return fmt.Errorf("%w: the bundle has no transparency log entry, which the trusted root requires "+
			"(was it signed with --tlog-upload=false?): %w", ErrNotVerified, err)
	}
	if untrusted := untrusted(b, tr); untrusted != "" {
		return fmt.Errorf("%w: %s: %w", ErrUntrusted, untrusted, err)
	}
	return fmt.Errorf("%w: %w", ErrNotVerified, err)
}

// identityMismatch names the certificate's issuer or subject that the identity does not accept.
func identityMismatch(b *sgbundle.Bundle, want expected) error {
	vc, err := b.VerificationContent()
	if err != nil {
		return nil
	}
	summary, err := certificate.SummarizeCertificate(vc.Certificate())
	if err != nil {
		return nil
	}
	if want.ci.Issuer.Verify(summary) != nil {
		return fmt.Errorf("%w: the certificate's issuer is %q, identity %s wants %s", ErrWrongIssuer,
			summary.Issuer, want.id.Name, describe(want.id.Issuer, want.id.IssuerRegExp))
	}
	if want.ci.SubjectAlternativeName.Verify(summary) != nil {
		return fmt.Errorf("%w: the certificate's subject is %q, identity %s wants %s", ErrWrongSubject,
			summary.SubjectAlternativeName, want.id.Name, describe(want.id.Subject, want.id.SubjectRegExp))
	}
	return nil
}

// artifactMismatch tells whether the digest the bundle says it signs is not the manifest's.
func artifactMismatch(b *sgbundle.Bundle, manifest []byte) error {
	digest := b.GetMessageSignature().GetMessageDigest()
	var h crypto.Hash
	switch digest.GetAlgorithm().String() {
	case "SHA2_256":
		h = crypto.SHA256
	case "SHA2_384":
		h = crypto.SHA384
	case "SHA2_512":
		h = crypto.SHA512
	default:
		return nil
	}
	hasher := h.New()
	hasher.Write(manifest)
	if sum := hasher.Sum(nil); !bytes.Equal(sum, digest.GetDigest()) {
		return fmt.Errorf("%w: the bundle signs bytes whose %s is %x, the manifest's is %x (was it built again after "+
			"signing?)", ErrArtifactMismatch, h, digest.GetDigest(), sum)
	}
	return nil
}

// untrusted names the certificate or log entry that does not chain to the trusted material, or returns "".
func untrusted(b *sgbundle.Bundle, tr root.TrustedMaterial) string {
	vc, err := b.VerificationContent()
	if err != nil {
		return ""
	}
	cert := vc.Certificate()
	trusted := false
	for _, ca := range tr.FulcioCertificateAuthorities() {
		if _, err := ca.Verify(cert, cert.NotBefore); err == nil {
			trusted = true
			break
		}
	}
	if !trusted {
		return fmt.Sprintf("the certificate (issued by %q) does not chain to a certificate authority of the trusted root",
			cert.Issuer.String())
	}
	entries, err := b.TlogEntries()
	if err != nil {
		return ""
	}
	for _, e := range entries {
		id := hex.EncodeToString([]byte(e.LogKeyID()))
		if _, ok := tr.RekorLogs()[id]; !ok {
			return fmt.Sprintf("the transparency log entry is from log %s, which the trusted root does not list", id)
		}
	}
	return ""
}
