// Package verify checks the key signatures of a bundle manifest against a set of named public keys and a
// requirement (required signers and a threshold), and makes such signatures.
//
// A signature is the file signatures/<signer>.sig of a bundle: what `cosign sign-blob --key` prints, the standard
// base64 of the raw signature over the manifest's exact bytes. It is checked with the public key of the same name
// only. Per key type, as cosign and sigstore do by default:
//
//   - ECDSA P-256, P-384, P-521: ASN.1 DER signature over the SHA-256, SHA-384 or SHA-512 digest of the manifest.
//   - RSA (2048 bits or more): PKCS #1 v1.5 over the SHA-256 digest.
//   - Ed25519: Ed25519ph (pre-hashed with SHA-512, what cosign 2 signs with) or pure Ed25519 (what older cosign and
//     most other tools sign with); Sign writes Ed25519ph.
//
// Private keys are PEM: PKCS #8, SEC 1 (EC) or PKCS #1 (RSA), unencrypted, or encrypted as `cosign
// generate-key-pair` writes them (ENCRYPTED SIGSTORE PRIVATE KEY or ENCRYPTED COSIGN PRIVATE KEY: scrypt and NaCl
// secretbox). Keyless signatures (sigstore bundles) are not verified here.
//
// Verify counts distinct public keys: two names for one key never satisfy a threshold of two, so such key sets are
// refused. A refusal is a *bundle.RefusalError whose reason is one of this package's Err constants.
package verify
