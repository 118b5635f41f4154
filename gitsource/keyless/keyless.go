package keyless

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/sigstore/sigstore-go/pkg/root"
	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

// Kinds of failure of one sigstore bundle, wrapped in its Check's error (errors.Is tells them apart).
var (
	// ErrMalformed: the file is not a sigstore bundle (v0.1 to v0.3, JSON) of a message signature with a certificate.
	ErrMalformed = errors.New("not a keyless sigstore bundle")
	// ErrWrongIssuer: the certificate's OIDC issuer is not the identity's.
	ErrWrongIssuer = errors.New("wrong issuer")
	// ErrWrongSubject: the certificate's subject is not the identity's.
	ErrWrongSubject = errors.New("wrong subject")
	// ErrArtifactMismatch: the bundle signs other bytes than the manifest (an older build of it, for example).
	ErrArtifactMismatch = errors.New("signs another manifest")
	// ErrUntrusted: the certificate or the transparency log entry does not chain to the trusted root.
	ErrUntrusted = errors.New("not trusted")
	// ErrNotVerified: any other failure (a bad signature, a missing timestamp, SCT or log entry, ...).
	ErrNotVerified = errors.New("does not verify")
)

// Verify checks the keyless signatures of a bundle: bundles maps a signer name to the content of its
// signatures/<signer>.sigstore.json (bundle.Bundle.SigstoreBundles), each checked offline with the trusted material
// against the manifest's exact bytes and against the identity of the same name only.
//
// It returns the signers whose bundle verified, sorted, and one check per bundle and per identity without a bundle,
// sorted by signer (Check.Key describes the identity). err is a *bundle.RefusalError: verify.ErrInvalidKey when an
// identity or the trusted material is unusable, verify.ErrInvalidRequirement without identities, and, when no
// identity has a valid bundle, verify.ErrMissingSignature (no bundle at all) or verify.ErrSignatureInvalid (naming
// each failure). Which signers a bundle needs beyond one is for the caller to decide from the checks.
func Verify(manifest []byte, bundles map[string][]byte, ids []Identity,
	tr root.TrustedMaterial) (signers []string, checks []verify.Check, err error) {
	byName, err := policies(ids)
	if err != nil {
		return nil, nil, err
	}
	if len(byName) == 0 {
		return nil, nil, bundle.Refuse(verify.ErrInvalidRequirement, "", "no keyless identities to verify with")
	}
	if err := checkTrustedMaterial(tr); err != nil {
		return nil, nil, err
	}
	v, err := sgverify.NewVerifier(tr, verifierOptions(tr)...)
	if err != nil {
		return nil, nil, bundle.Refuse(verify.ErrInvalidKey, "", "trusted root: %w", err)
	}
	names := map[string]bool{}
	for n := range bundles {
		names[n] = true
	}
	for n := range byName {
		names[n] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		want, hasID := byName[name]
		c := verify.Check{Signer: name}
		if hasID {
			c.Key = "keyless: " + want.id.String()
		}
		data, hasBundle := bundles[name]
		switch {
		case !hasID:
			c.Err = fmt.Errorf("%w: the keyless signature is ignored", verify.ErrNoKey)
		case !hasBundle:
			c.Err = verify.ErrNoSignature
		default:
			c.Err = checkOne(v, tr, manifest, name, data, want)
			c.Valid = c.Err == nil
		}
		if c.Valid {
			signers = append(signers, name)
		}
		checks = append(checks, c)
	}
	return signers, checks, refusal(checks, signers)
}

// refusal refuses when no identity has a valid bundle.
func refusal(checks []verify.Check, signers []string) error {
	if len(signers) > 0 {
		return nil
	}
	var failed []string
	for _, c := range checks {
		var re *bundle.RefusalError
		if errors.As(c.Err, &re) {
			failed = append(failed, fmt.Sprintf("%s: %v", re.Path, re.Err))
		}
	}
	if len(failed) == 0 {
		return bundle.Refuse(verify.ErrMissingSignature, "", "no keyless signature for any identity")
	}
	return bundle.Refuse(verify.ErrSignatureInvalid, "", "no valid keyless signature: %s", strings.Join(failed, "; "))
}

// checkOne verifies one sigstore bundle; a failure is a *bundle.RefusalError with reason verify.ErrSignatureInvalid
// whose detail wraps one of this package's Err kinds.
func checkOne(v *sgverify.Verifier, tr root.TrustedMaterial, manifest []byte, name string, data []byte,
	want expected) error {
	file := path.Join(bundle.SignaturesDir, name+bundle.SigstoreBundleSuffix)
	b, err := parse(data)
	if err != nil {
		return bundle.Refuse(verify.ErrSignatureInvalid, file, "%w", err)
	}
	policy := sgverify.NewPolicy(sgverify.WithArtifact(bytes.NewReader(manifest)), sgverify.WithCertificateIdentity(want.ci))
	if _, err := v.Verify(b, policy); err != nil {
		return bundle.Refuse(verify.ErrSignatureInvalid, file, "%w", diagnose(err, b, tr, manifest, want))
	}
	return nil
}
