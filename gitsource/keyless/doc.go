// Package keyless verifies the keyless signatures of a bundle manifest: signatures/<signer>.sigstore.json, a
// sigstore bundle (JSON, media types v0.1 to v0.3) as `cosign sign-blob --new-bundle-format --bundle` writes it,
// whose message signature covers the exact bytes of bundle.yaml and whose short-lived Fulcio certificate names who
// signed: an OIDC issuer and a subject (an e-mail address, or a CI workflow's URI).
//
// Verification is offline, with sigstore-go against a trusted root (trusted_root.json, LoadTrustedRoot) that the
// operator supplies; nothing is fetched (no TUF, no Rekor lookups). A bundle must carry what the root can check: a
// signing time from an observer (a transparency log entry's integrated time, or an RFC 3161 timestamp) always; a
// transparency log entry when the root lists a log; a signed certificate timestamp when it lists a CT log. The
// certificate is validated at that signing time, not at the current time, so a bundle stays valid after its
// ten-minute certificate expires; the manifest's own expiry bounds its life.
//
// Each bundle is checked against the Identity of the same name only, and only message signatures made with a
// certificate count (a DSSE attestation, a public-key bundle or the older cosign bundle format are refused). Identity
// regular expressions are anchored: they must match the whole issuer or subject.
//
// Verify returns one verify.Check per bundle and per identity, like package verify does for keys, so that a caller
// can apply one requirement (required signers, threshold) over key and keyless signers together. A refusal is a
// *bundle.RefusalError with the reasons of package verify; a failed bundle's error also wraps one of this package's
// Err kinds (ErrWrongIssuer, ErrWrongSubject, ErrArtifactMismatch, ErrUntrusted, ErrMalformed, ErrNotVerified).
package keyless
