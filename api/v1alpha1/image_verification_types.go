package v1alpha1

import (
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// ImageVerificationType is the signature format checked by a verifyImages rule.
// +kubebuilder:validation:Enum=Cosign;SigstoreBundle;Notary
type ImageVerificationType string

const (
	// Cosign verifies cosign signatures and attestations (the default).
	Cosign ImageVerificationType = "Cosign"
	// SigstoreBundle verifies sigstore bundles.
	SigstoreBundle ImageVerificationType = "SigstoreBundle"
	// Notary verifies Notary v2 signatures.
	Notary ImageVerificationType = "Notary"
)

// ImageVerification verifies the signatures and attestations of images whose
// references match, and can replace tags with digests.
type ImageVerification struct {
	// FailureAction is Enforce or Audit for this verification.
	// +optional
	// +kubebuilder:validation:Enum=Audit;Enforce
	FailureAction *ValidationFailureAction `json:"failureAction,omitempty"`

	// Type is the signature format; Cosign by default.
	// +optional
	Type ImageVerificationType `json:"type,omitempty"`

	// Image is deprecated: use imageReferences.
	// +optional
	Image string `json:"image,omitempty"`

	// ImageReferences are image patterns (wildcards allowed); one must match.
	// +optional
	ImageReferences []string `json:"imageReferences,omitempty"`

	// SkipImageReferences are image patterns that are not verified.
	// +optional
	SkipImageReferences []string `json:"skipImageReferences,omitempty"`

	// Key is deprecated: use attestors[].entries[].keys.
	// +optional
	Key string `json:"key,omitempty"`

	// Roots is deprecated: use attestors[].entries[].keyless.roots.
	// +optional
	Roots string `json:"roots,omitempty"`

	// Subject is deprecated: use attestors[].entries[].keyless.subject.
	// +optional
	Subject string `json:"subject,omitempty"`

	// Issuer is deprecated: use attestors[].entries[].keyless.issuer.
	// +optional
	Issuer string `json:"issuer,omitempty"`

	// AdditionalExtensions is deprecated: use keyless.additionalExtensions.
	// +optional
	AdditionalExtensions map[string]string `json:"additionalExtensions,omitempty"`

	// Attestors are the required signers.
	// +optional
	Attestors []AttestorSet `json:"attestors,omitempty"`

	// Attestations are in-toto statements to verify and check.
	// +optional
	Attestations []Attestation `json:"attestations,omitempty"`

	// Annotations is deprecated: use attestors[].entries[].annotations.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// Repository is an alternate OCI repository for signatures and attestations.
	// +optional
	Repository string `json:"repository,omitempty"`

	// CosignOCI11 uses OCI 1.1 referrers for cosign signatures.
	// +optional
	CosignOCI11 bool `json:"cosignOCI11,omitempty"`

	// MutateDigest replaces tags with digests. Defaults to true.
	// +optional
	MutateDigest *bool `json:"mutateDigest,omitempty"`

	// VerifyDigest requires images to be referenced by digest. Defaults to true.
	// +optional
	VerifyDigest *bool `json:"verifyDigest,omitempty"`

	// Validation checks conditions across the verified data.
	// +optional
	Validation *ValidateImageVerification `json:"validate,omitempty"`

	// Required requires every matching image to be verified. Defaults to true.
	// +optional
	Required *bool `json:"required,omitempty"`

	// ImageRegistryCredentials authenticate to registries.
	// +optional
	ImageRegistryCredentials *ImageRegistryCredentials `json:"imageRegistryCredentials,omitempty"`

	// UseCache caches verification results. Defaults to true.
	// +optional
	UseCache *bool `json:"useCache,omitempty"`
}

// MutatesDigest reports whether tags are replaced with digests (default true).
func (iv *ImageVerification) MutatesDigest() bool { return boolOr(iv.MutateDigest, true) }

// VerifiesDigest reports whether a digest is required (default true).
func (iv *ImageVerification) VerifiesDigest() bool { return boolOr(iv.VerifyDigest, true) }

// IsRequired reports whether every matching image must be verified (default true).
func (iv *ImageVerification) IsRequired() bool { return boolOr(iv.Required, true) }

// UsesCache reports whether verification results are cached (default true).
func (iv *ImageVerification) UsesCache() bool { return boolOr(iv.UseCache, true) }

// boolOr returns *b, or def when b is nil.
func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

// ValidateImageVerification checks conditions across attestations and context.
type ValidateImageVerification struct {
	// Message is reported on failure.
	// +optional
	Message string `json:"message,omitempty"`

	// Deny fails the verification when its conditions hold.
	// +optional
	Deny *Deny `json:"deny,omitempty"`
}

// AttestorSet is a set of attestors of which count (all when unset) must verify.
type AttestorSet struct {
	// Count is how many entries must verify; all when unset.
	// +optional
	// +kubebuilder:validation:Minimum=1
	Count *int `json:"count,omitempty"`

	// Entries are the attestors.
	// +optional
	Entries []Attestor `json:"entries,omitempty"`
}

// Attestor is one signer: public keys, certificates, a keyless identity or a
// nested attestor set.
type Attestor struct {
	// Keys are public keys.
	// +optional
	Keys *StaticKeyAttestor `json:"keys,omitempty"`

	// Certificates are X.509 certificates.
	// +optional
	Certificates *CertificateAttestor `json:"certificates,omitempty"`

	// Keyless is a sigstore keyless identity.
	// +optional
	Keyless *KeylessAttestor `json:"keyless,omitempty"`

	// Attestor is a nested AttestorSet, kept as raw JSON.
	// +optional
	Attestor *apiextv1.JSON `json:"attestor,omitempty"`

	// Annotations must be present in the signed payload.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`

	// Repository is an alternate OCI repository for this attestor.
	// +optional
	Repository string `json:"repository,omitempty"`

	// SignatureAlgorithm is sha224, sha256 (default), sha384 or sha512.
	// +optional
	SignatureAlgorithm string `json:"signatureAlgorithm,omitempty"`
}

// StaticKeyAttestor verifies with public keys.
type StaticKeyAttestor struct {
	// PublicKeys are PEM keys, a variable, or k8s://namespace/secret.
	// +optional
	PublicKeys string `json:"publicKeys,omitempty"`

	// SignatureAlgorithm is deprecated: use the attestor's signatureAlgorithm.
	// +optional
	SignatureAlgorithm string `json:"signatureAlgorithm,omitempty"`

	// KMS is the URI of a key in a key management system.
	// +optional
	KMS string `json:"kms,omitempty"`

	// Secret holds the public key under cosign.pub.
	// +optional
	Secret *SecretReference `json:"secret,omitempty"`

	// Rekor configures the transparency log.
	// +optional
	Rekor *Rekor `json:"rekor,omitempty"`

	// CTLog configures signed certificate timestamp checks.
	// +optional
	CTLog *CTLog `json:"ctlog,omitempty"`
}

// SecretReference names a Secret.
type SecretReference struct {
	// Name of the Secret.
	Name string `json:"name"`

	// Namespace of the Secret.
	Namespace string `json:"namespace"`
}

// CertificateAttestor verifies with a certificate and chain.
type CertificateAttestor struct {
	// Certificate is a PEM certificate.
	// +optional
	Certificate string `json:"cert,omitempty"`

	// CertificateChain is a PEM chain.
	// +optional
	CertificateChain string `json:"certChain,omitempty"`

	// Rekor configures the transparency log.
	// +optional
	Rekor *Rekor `json:"rekor,omitempty"`

	// CTLog configures signed certificate timestamp checks.
	// +optional
	CTLog *CTLog `json:"ctlog,omitempty"`
}

// KeylessAttestor verifies a sigstore keyless identity.
type KeylessAttestor struct {
	// Rekor configures the transparency log.
	// +optional
	Rekor *Rekor `json:"rekor,omitempty"`

	// CTLog configures signed certificate timestamp checks.
	// +optional
	CTLog *CTLog `json:"ctlog,omitempty"`

	// Issuer is the OIDC issuer of the signing certificate.
	// +optional
	Issuer string `json:"issuer,omitempty"`

	// IssuerRegExp is a regular expression for the issuer.
	// +optional
	IssuerRegExp string `json:"issuerRegExp,omitempty"`

	// Subject is the signer identity, e.g. an email address.
	// +optional
	Subject string `json:"subject,omitempty"`

	// SubjectRegExp is a regular expression for the subject.
	// +optional
	SubjectRegExp string `json:"subjectRegExp,omitempty"`

	// Roots are PEM root certificates; the system roots when unset.
	// +optional
	Roots string `json:"roots,omitempty"`

	// AdditionalExtensions are certificate extensions that must match.
	// +optional
	AdditionalExtensions map[string]string `json:"additionalExtensions,omitempty"`
}

// Rekor configures the transparency log.
type Rekor struct {
	// URL of the log; the public instance when unset.
	// +optional
	URL string `json:"url,omitempty"`

	// RekorPubKey is a PEM key of a custom log.
	// +optional
	RekorPubKey string `json:"pubkey,omitempty"`

	// IgnoreTlog skips transparency log verification.
	// +optional
	IgnoreTlog bool `json:"ignoreTlog,omitempty"`
}

// CTLog configures signed certificate timestamp checks.
type CTLog struct {
	// IgnoreSCT skips the signed certificate timestamp check.
	// +optional
	IgnoreSCT bool `json:"ignoreSCT,omitempty"`

	// CTLogPubKey is a PEM key of a custom log.
	// +optional
	CTLogPubKey string `json:"pubkey,omitempty"`

	// TSACertChain is the PEM chain of an RFC 3161 timestamp authority.
	// +optional
	TSACertChain string `json:"tsaCertChain,omitempty"`
}

// Attestation checks in-toto statements of a type attached to an image.
type Attestation struct {
	// Name is the variable name the statements are available under.
	// +optional
	Name string `json:"name,omitempty"`

	// PredicateType is deprecated: use type.
	// +optional
	PredicateType string `json:"predicateType,omitempty"`

	// Type is the statement predicate type.
	// +optional
	Type string `json:"type,omitempty"`

	// Attestors are the required signers of the statements.
	// +optional
	Attestors []AttestorSet `json:"attestors,omitempty"`

	// Conditions checked against each statement predicate.
	// +optional
	Conditions []AnyAllConditions `json:"conditions,omitempty"`
}
