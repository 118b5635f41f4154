package keyless

import (
	"fmt"
	"regexp"
	"strings"

	sgverify "github.com/sigstore/sigstore-go/pkg/verify"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

// Identity is who may sign keylessly under a signer name: the OIDC issuer and the subject (the certificate's
// subject alternative name: an e-mail address, or a URI such as a CI workflow's) that Fulcio wrote into the signing
// certificate. Each of issuer and subject needs an exact value, a regular expression, or both (then both must
// match). Regular expressions must match the whole value: they are anchored, unlike cosign's
// --certificate-identity-regexp.
type Identity struct {
	// Name is the signer name: the bundle's signatures/<Name>.sigstore.json is checked against this identity only.
	Name string
	// Issuer is the exact OIDC issuer, e.g. "https://token.actions.githubusercontent.com".
	Issuer string
	// IssuerRegExp is a regular expression the whole issuer must match.
	IssuerRegExp string
	// Subject is the exact subject, e.g. "release@example.com".
	Subject string
	// SubjectRegExp is a regular expression the whole subject must match, e.g.
	// `https://github\.com/example/policies/\.github/workflows/bundle\.yaml@refs/heads/main`.
	SubjectRegExp string
}

// String describes the identity, e.g. `issuer "https://accounts.google.com", subject "a@example.com"`.
func (id Identity) String() string {
	return fmt.Sprintf("issuer %s, subject %s", describe(id.Issuer, id.IssuerRegExp),
		describe(id.Subject, id.SubjectRegExp))
}

func describe(exact, re string) string {
	var parts []string
	if exact != "" {
		parts = append(parts, fmt.Sprintf("%q", exact))
	}
	if re != "" {
		parts = append(parts, fmt.Sprintf("matching %q", re))
	}
	return strings.Join(parts, " and ")
}

// policy turns the identity into sigstore-go's certificate identity, with anchored regular expressions.
func (id Identity) policy() (sgverify.CertificateIdentity, error) {
	if err := bundle.CheckSignerName(id.Name); err != nil {
		return sgverify.CertificateIdentity{}, fmt.Errorf("identity: %w", err)
	}
	if id.Issuer == "" && id.IssuerRegExp == "" {
		return sgverify.CertificateIdentity{}, fmt.Errorf("identity %s: no issuer or issuer regexp", id.Name)
	}
	if id.Subject == "" && id.SubjectRegExp == "" {
		return sgverify.CertificateIdentity{}, fmt.Errorf("identity %s: no subject or subject regexp", id.Name)
	}
	issuerRE, err := anchor(id.IssuerRegExp)
	if err != nil {
		return sgverify.CertificateIdentity{}, fmt.Errorf("identity %s: issuer regexp: %w", id.Name, err)
	}
	subjectRE, err := anchor(id.SubjectRegExp)
	if err != nil {
		return sgverify.CertificateIdentity{}, fmt.Errorf("identity %s: subject regexp: %w", id.Name, err)
	}
	ci, err := sgverify.NewShortCertificateIdentity(id.Issuer, issuerRE, id.Subject, subjectRE)
	if err != nil {
		return sgverify.CertificateIdentity{}, fmt.Errorf("identity %s: %w", id.Name, err)
	}
	return ci, nil
}

// anchor makes re match whole values only; an empty re stays empty (no constraint).
func anchor(re string) (string, error) {
	if re == "" {
		return "", nil
	}
	if _, err := regexp.Compile(re); err != nil {
		return "", err
	}
	return "^(?:" + re + ")$", nil
}

// expected is an identity with its sigstore-go certificate identity.
type expected struct {
	id Identity
	ci sgverify.CertificateIdentity
}

// policies validates the identities and returns them by name. A refusal is a *bundle.RefusalError with reason
// verify.ErrInvalidKey (the configuration is wrong).
func policies(ids []Identity) (map[string]expected, error) {
	byName := make(map[string]expected, len(ids))
	for _, id := range ids {
		ci, err := id.policy()
		if err != nil {
			return nil, bundle.Refuse(verify.ErrInvalidKey, "", "%w", err)
		}
		if _, dup := byName[id.Name]; dup {
			return nil, bundle.Refuse(verify.ErrInvalidKey, "", "identity %s given twice", id.Name)
		}
		byName[id.Name] = expected{id: id, ci: ci}
	}
	return byName, nil
}
