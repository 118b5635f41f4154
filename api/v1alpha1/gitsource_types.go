package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +kubebuilder:object:root=true
// +kubebuilder:resource:scope=Namespaced,shortName=gitsrc,categories=bylaw
// +kubebuilder:subresource:status
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.spec.url`
// +kubebuilder:printcolumn:name="Revision",type=string,JSONPath=`.status.artifact.revision`
// +kubebuilder:printcolumn:name="Version",type=integer,JSONPath=`.status.artifact.version`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Status",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].message`,priority=1

// GitSource names a signed policy bundle in a git repository. Bylaw fetches it, verifies it, refuses a rollback, and
// only then loads its policies.
type GitSource struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec says where the bundle is and how it must be signed.
	Spec GitSourceSpec `json:"spec"`

	// Status is the observed state of the source.
	// +optional
	Status GitSourceStatus `json:"status,omitempty"`
}

// +kubebuilder:object:root=true

// GitSourceList is a list of GitSource objects.
type GitSourceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []GitSource `json:"items"`
}

// GitSourceSpec says where a bundle is and how it must be signed.
type GitSourceSpec struct {
	// URL of the repository: https://, http:// or ssh://.
	// +kubebuilder:validation:Pattern=`^(https?|ssh)://`
	URL string `json:"url"`

	// Ref is the branch, tag, semver range of tags, or commit to follow (default: branch main).
	// +optional
	Ref *GitRef `json:"ref,omitempty"`

	// Path is the bundle's folder in the repository (default: the root).
	// +optional
	Path string `json:"path,omitempty"`

	// Interval between two fetches; a jitter of up to 10% is added.
	// +kubebuilder:default="5m"
	Interval metav1.Duration `json:"interval"`

	// Timeout of one fetch (default 60s).
	// +optional
	Timeout *metav1.Duration `json:"timeout,omitempty"`

	// SecretRef names a Secret in the source's namespace with the credentials: username and password, or bearerToken
	// (HTTPS); identity and known_hosts (SSH).
	// +optional
	SecretRef *LocalObjectReference `json:"secretRef,omitempty"`

	// Verify says which signatures the bundle must carry.
	Verify BundleVerification `json:"verify"`

	// Suspend stops fetching; the bundle in force stays.
	// +optional
	Suspend bool `json:"suspend,omitempty"`
}

// GitRef selects a revision; exactly one field is set.
type GitRef struct {
	// +optional
	Branch string `json:"branch,omitempty"`
	// +optional
	Tag string `json:"tag,omitempty"`
	// SemVer is a range matched against tags; the highest matching tag wins.
	// +optional
	SemVer string `json:"semver,omitempty"`
	// Commit is a full SHA-1.
	// +optional
	Commit string `json:"commit,omitempty"`
}

// LocalObjectReference names an object in the same namespace.
type LocalObjectReference struct {
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
}

// SecretKeyReference names a key of a Secret in the same namespace.
type SecretKeyReference struct {
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// Key in the Secret's data (default "cosign.pub" for a signer key, "trusted_root.json" for a trusted root).
	// +optional
	Key string `json:"key,omitempty"`
}

// BundleVerification lists the signers a bundle may be signed by and which of them must have signed. Signers are
// keys, keyless identities or both; Requires and Threshold count them together.
// +kubebuilder:validation:XValidation:rule="(has(self.keys) && size(self.keys) > 0) || (has(self.identities) && size(self.identities) > 0)",message="at least one of keys or identities is required"
// +kubebuilder:validation:XValidation:rule="!has(self.identities) || size(self.identities) == 0 || has(self.trustedRootRef)",message="identities need a trustedRootRef"
type BundleVerification struct {
	// Keys are the signers' public keys (PEM); a signer's name is the name of its signature file,
	// signatures/<name>.sig.
	// +optional
	Keys []SignerKey `json:"keys,omitempty"`

	// Identities are keyless signers: a signer's name is the name of its sigstore bundle,
	// signatures/<name>.sigstore.json, whose Fulcio certificate must carry the identity's OIDC issuer and subject. A
	// name cannot be both a key and an identity.
	// +optional
	// +kubebuilder:validation:MaxItems=64
	Identities []KeylessIdentity `json:"identities,omitempty"`

	// TrustedRootRef is the Secret key holding the Sigstore trusted_root.json (default key "trusted_root.json") the
	// keyless signatures are verified with, offline; required with identities.
	// +optional
	TrustedRootRef *SecretKeyReference `json:"trustedRootRef,omitempty"`

	// Requires names signers that must all have signed. Promotion to an environment is a signature added by its
	// approver, never a change of the bundle.
	// +optional
	Requires []string `json:"requires,omitempty"`

	// Threshold is the least number of signers (keys and identities) with a valid signature (default 1).
	// +optional
	// +kubebuilder:validation:Minimum=1
	Threshold int `json:"threshold,omitempty"`

	// Commit, when set, also requires an OpenPGP signature on the fetched commit or tag.
	// +optional
	Commit *CommitVerification `json:"commit,omitempty"`
}

// CommitVerification checks the OpenPGP signature of the fetched commit, tag or both.
type CommitVerification struct {
	// Mode is HEAD (the commit), Tag (the annotated tag of a tag or semver ref) or TagAndHEAD.
	// +kubebuilder:validation:Enum=HEAD;Tag;TagAndHEAD
	Mode string `json:"mode"`
	// SecretRef names a Secret whose values are ASCII-armored OpenPGP public keys; any of them may sign.
	SecretRef LocalObjectReference `json:"secretRef"`
}

// KeylessIdentity is who may sign keylessly under a signer name. Each of issuer and subject needs an exact value, a
// regular expression (matching the whole value), or both.
// +kubebuilder:validation:XValidation:rule="has(self.issuer) || has(self.issuerRegExp)",message="issuer or issuerRegExp is required"
// +kubebuilder:validation:XValidation:rule="has(self.subject) || has(self.subjectRegExp)",message="subject or subjectRegExp is required"
type KeylessIdentity struct {
	// Name is the signer name.
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// Issuer is the exact OIDC issuer, e.g. "https://token.actions.githubusercontent.com".
	// +optional
	Issuer string `json:"issuer,omitempty"`
	// IssuerRegExp is a regular expression the whole issuer must match.
	// +optional
	IssuerRegExp string `json:"issuerRegExp,omitempty"`
	// Subject is the exact certificate subject: an e-mail address, or a URI such as a CI workflow's.
	// +optional
	Subject string `json:"subject,omitempty"`
	// SubjectRegExp is a regular expression the whole subject must match.
	// +optional
	SubjectRegExp string `json:"subjectRegExp,omitempty"`
}

// SignerKey is one signer's public key.
type SignerKey struct {
	// +kubebuilder:validation:MinLength=1
	Name string `json:"name"`
	// SecretRef is the Secret key holding the PEM public key.
	SecretRef SecretKeyReference `json:"secretRef"`
}

// GitSourceStatus is the observed state of a GitSource.
type GitSourceStatus struct {
	// ObservedGeneration is the metadata.generation the status was computed for.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Conditions: Ready, Reconciling, Stalled, SourceVerified, FetchFailed.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// Artifact is the bundle in force.
	// +optional
	Artifact *BundleArtifact `json:"artifact,omitempty"`

	// HighestVersion is the highest bundle version ever applied from this source: a lower one is refused, also after a
	// restart.
	// +optional
	HighestVersion int64 `json:"highestVersion,omitempty"`

	// LastFetchedRevision is the revision last fetched, verified or not.
	// +optional
	LastFetchedRevision string `json:"lastFetchedRevision,omitempty"`
}

// BundleArtifact describes an applied bundle.
type BundleArtifact struct {
	// Revision is the git revision, as "main@sha1:<hash>".
	Revision string `json:"revision"`
	// Digest is the sha256 of bundle.yaml.
	Digest string `json:"digest"`
	// Name and Version come from bundle.yaml.
	Name    string `json:"name"`
	Version int64  `json:"version"`
	// Signers are the names of the valid signatures.
	Signers []string `json:"signers"`
	// Policies is the number of policies loaded.
	Policies int `json:"policies"`
	// AppliedAt is when the bundle was put in force.
	AppliedAt metav1.Time `json:"appliedAt"`
}

// GetConditions returns the status conditions.
func (s *GitSource) GetConditions() []metav1.Condition { return s.Status.Conditions }

// SetConditions replaces the status conditions.
func (s *GitSource) SetConditions(c []metav1.Condition) { s.Status.Conditions = c }
