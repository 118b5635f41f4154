package keyless

import (
	"testing"

	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

func TestVerify(t *testing.T) {
	vs, other := newSigstore(t), newSigstore(t)
	trusted := trustedRoot(t, vs, allButCT)
	valid := sign(t, vs, subject, issuer, []byte(manifest), bundleOptions{})
	tests := []struct {
		name    string
		bundle  []byte
		id      Identity
		root    root.TrustedMaterial
		kind    error  // the check's failure; nil when the bundle verifies
		message string // in the refusal
	}{
		{name: "valid", bundle: valid, id: ciIdentity("ci")},
		{name: "regexps match", bundle: valid, id: Identity{Name: "ci", IssuerRegExp: `https://token\.actions\..*`,
			SubjectRegExp: `https://github\.com/example/policies/.*@refs/heads/main`}},
		{name: "exact and regexp both match", bundle: valid, id: Identity{Name: "ci", Issuer: issuer,
			IssuerRegExp: `.*githubusercontent.*`, Subject: subject, SubjectRegExp: `https://github\.com/.*`}},
		{name: "other subject", bundle: sign(t, vs, "mallory@example.com", issuer, []byte(manifest), bundleOptions{}),
			id: ciIdentity("ci"), kind: ErrWrongSubject, message: `subject is "mallory@example.com"`},
		{name: "subject regexp matches a part only", bundle: valid,
			id:   Identity{Name: "ci", Issuer: issuer, SubjectRegExp: `github\.com/example/policies`},
			kind: ErrWrongSubject, message: `wants matching "github\\.com/example/policies"`},
		{name: "other issuer", bundle: sign(t, vs, subject, "https://accounts.google.com", []byte(manifest), bundleOptions{}),
			id: ciIdentity("ci"), kind: ErrWrongIssuer, message: `issuer is "https://accounts.google.com"`},
		{name: "issuer regexp does not match", bundle: valid, id: Identity{Name: "ci", IssuerRegExp: `https://gitlab\.com`,
			Subject: subject}, kind: ErrWrongIssuer, message: `wants matching "https://gitlab\\.com"`},
		{name: "another manifest", bundle: sign(t, vs, subject, issuer, []byte(manifest+"# v2\n"), bundleOptions{}),
			id: ciIdentity("ci"), kind: ErrArtifactMismatch, message: "signs another manifest"},
		{name: "another sigstore", bundle: sign(t, other, subject, issuer, []byte(manifest), bundleOptions{}),
			id: ciIdentity("ci"), kind: ErrUntrusted, message: "does not chain to a certificate authority of the trusted root"},
		{name: "trusted root of another sigstore", bundle: valid, id: ciIdentity("ci"),
			root: trustedRoot(t, other, allButCT), kind: ErrUntrusted, message: "not trusted"},
		{name: "malformed JSON", bundle: []byte(`{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",`),
			id: ciIdentity("ci"), kind: ErrMalformed, message: "not a keyless sigstore bundle"},
		{name: "old cosign bundle format", bundle: []byte(`{"base64Signature":"MEUC","cert":"LS0t","rekorBundle":{}}`),
			id: ciIdentity("ci"), kind: ErrMalformed, message: "not a keyless sigstore bundle"},
		{name: "no log entry, the root lists a log", id: ciIdentity("ci"),
			bundle: sign(t, vs, subject, issuer, []byte(manifest), bundleOptions{noTlog: true}),
			kind:   ErrNotVerified, message: "no transparency log entry"},
		{name: "no log entry, the root lists no log: the timestamp suffices", id: ciIdentity("ci"),
			bundle: sign(t, vs, subject, issuer, []byte(manifest), bundleOptions{noTlog: true}),
			root:   trustedRoot(t, vs, rootOptions{tsa: true})},
		{name: "no timestamp: the log's integrated time suffices", id: ciIdentity("ci"),
			bundle: sign(t, vs, subject, issuer, []byte(manifest), bundleOptions{noTimestamp: true})},
		{name: "no timestamp and no log entry", id: ciIdentity("ci"),
			bundle: sign(t, vs, subject, issuer, []byte(manifest), bundleOptions{noTlog: true, noTimestamp: true}),
			root:   trustedRoot(t, vs, rootOptions{tsa: true}), kind: ErrNotVerified, message: "timestamp"},
		{name: "the root lists a CT log, the certificate has no SCT", bundle: valid, id: ciIdentity("ci"),
			root: trustedRoot(t, vs, rootOptions{ctLog: true, rekor: true, tsa: true}), kind: ErrNotVerified,
			message: "certificate timestamp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := tt.root
			if tr == nil {
				tr = trusted
			}
			signers, checks, err := Verify([]byte(manifest), map[string][]byte{"ci": tt.bundle}, []Identity{tt.id}, tr)
			require.Len(t, checks, 1)
			require.Equal(t, "ci", checks[0].Signer)
			require.Contains(t, checks[0].Key, "keyless: issuer ")
			if tt.kind == nil {
				require.NoError(t, err)
				require.Equal(t, []string{"ci"}, signers)
				require.True(t, checks[0].Valid)
				return
			}
			require.Empty(t, signers)
			require.False(t, checks[0].Valid)
			require.ErrorIs(t, checks[0].Err, verify.ErrSignatureInvalid)
			require.ErrorIs(t, checks[0].Err, tt.kind)
			require.ErrorIs(t, err, verify.ErrSignatureInvalid)
			require.Contains(t, err.Error(), "signatures/ci.sigstore.json")
			require.Contains(t, err.Error(), tt.message)
		})
	}
}

func TestVerifySigners(t *testing.T) {
	vs := newSigstore(t)
	tr := trustedRoot(t, vs, allButCT)
	good := sign(t, vs, subject, issuer, []byte(manifest), bundleOptions{})
	approver := Identity{Name: "approval", Issuer: "https://accounts.google.com", Subject: "approver@example.com"}
	tests := []struct {
		name    string
		bundles map[string][]byte
		signers []string
		reason  bundle.Reason // of the refusal, "" when none
		errs    map[string]error
	}{
		{name: "both sign", bundles: map[string][]byte{"ci": good, "approval": sign(t, vs, approver.Subject,
			approver.Issuer, []byte(manifest), bundleOptions{})}, signers: []string{"approval", "ci"}},
		{name: "a bundle is checked with the identity of its name only",
			bundles: map[string][]byte{"approval": good}, reason: verify.ErrSignatureInvalid,
			errs: map[string]error{"approval": ErrWrongIssuer, "ci": verify.ErrNoSignature}},
		{name: "one valid, one wrong", bundles: map[string][]byte{"ci": good, "approval": good}, signers: []string{"ci"},
			errs: map[string]error{"approval": ErrWrongIssuer}},
		{name: "no bundle", bundles: map[string][]byte{}, reason: verify.ErrMissingSignature,
			errs: map[string]error{"approval": verify.ErrNoSignature, "ci": verify.ErrNoSignature}},
		{name: "a bundle without identity is ignored", bundles: map[string][]byte{"stranger": good},
			reason: verify.ErrMissingSignature, errs: map[string]error{"stranger": verify.ErrNoKey,
				"approval": verify.ErrNoSignature, "ci": verify.ErrNoSignature}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signers, checks, err := Verify([]byte(manifest), tt.bundles, []Identity{ciIdentity("ci"), approver}, tr)
			require.Equal(t, tt.signers, signers)
			require.Equal(t, tt.reason, bundle.ReasonOf(err))
			for _, c := range checks {
				if want := tt.errs[c.Signer]; want != nil {
					require.ErrorIs(t, c.Err, want, c.Signer)
				} else {
					require.True(t, c.Valid, c.Signer)
				}
			}
		})
	}
}

func TestVerifyConfiguration(t *testing.T) {
	vs := newSigstore(t)
	tr := trustedRoot(t, vs, allButCT)
	bundles := map[string][]byte{"ci": sign(t, vs, subject, issuer, []byte(manifest), bundleOptions{})}
	tests := []struct {
		name    string
		ids     []Identity
		root    root.TrustedMaterial
		reason  bundle.Reason
		message string
	}{
		{name: "bad name", ids: []Identity{{Name: "CI", Issuer: issuer, Subject: subject}}, root: tr,
			reason: verify.ErrInvalidKey, message: `signer name "CI"`},
		{name: "no issuer", ids: []Identity{{Name: "ci", Subject: subject}}, root: tr,
			reason: verify.ErrInvalidKey, message: "no issuer"},
		{name: "no subject", ids: []Identity{{Name: "ci", Issuer: issuer}}, root: tr,
			reason: verify.ErrInvalidKey, message: "no subject"},
		{name: "bad regexp", ids: []Identity{{Name: "ci", Issuer: issuer, SubjectRegExp: "("}}, root: tr,
			reason: verify.ErrInvalidKey, message: "subject regexp"},
		{name: "twice", ids: []Identity{ciIdentity("ci"), ciIdentity("ci")}, root: tr,
			reason: verify.ErrInvalidKey, message: "given twice"},
		{name: "no identities", root: tr, reason: verify.ErrInvalidRequirement, message: "no keyless identities"},
		{name: "no root", ids: []Identity{ciIdentity("ci")}, reason: verify.ErrInvalidKey, message: "no trusted root"},
		{name: "a root without a log or timestamp authority", ids: []Identity{ciIdentity("ci")},
			root: trustedRootOrNil(t, vs), reason: verify.ErrInvalidKey, message: "no transparency log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signers, checks, err := Verify([]byte(manifest), bundles, tt.ids, tt.root)
			require.Empty(t, signers)
			require.Empty(t, checks)
			require.Equal(t, tt.reason, bundle.ReasonOf(err))
			require.ErrorContains(t, err, tt.message)
		})
	}
}

// trustedRootOrNil is a root with the certificate authority only, which LoadTrustedRoot refuses.
func trustedRootOrNil(t *testing.T, vs interface {
	FulcioCertificateAuthorities() []root.CertificateAuthority
}) root.TrustedMaterial {
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01, vs.FulcioCertificateAuthorities(), nil, nil, nil)
	require.NoError(t, err)
	return tr
}

func TestLoadTrustedRoot(t *testing.T) {
	vs := newSigstore(t)
	tests := []struct {
		name    string
		data    []byte
		message string
	}{
		{name: "virtual sigstore", data: trustedRootJSON(t, vs, allButCT)},
		{name: "not JSON", data: []byte("{"), message: "trusted root"},
		{name: "another media type", data: []byte(`{"mediaType": "application/json"}`), message: "media type"},
		{name: "no certificate authority", data: []byte(`{"mediaType":"` + root.TrustedRootMediaType01 + `"}`),
			message: "no certificate authority"},
		{name: "only a certificate authority", data: trustedRootJSON(t, vs, rootOptions{}),
			message: "no transparency log and no timestamp authority"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := LoadTrustedRoot(tt.data)
			if tt.message == "" {
				require.NoError(t, err)
				require.Len(t, tr.FulcioCertificateAuthorities(), 1)
				return
			}
			require.ErrorIs(t, err, verify.ErrInvalidKey)
			require.ErrorContains(t, err, tt.message)
		})
	}
}
