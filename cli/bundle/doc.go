// Package bundle implements `bylaw bundle build|sign|verify`: it writes the manifest of a policy bundle folder, signs
// it with a key as `cosign sign-blob --key` does, and verifies a bundle offline as the cluster does (files, expiry,
// version, signatures and the signer requirement), printing every check.
//
// Exit codes: 0 when the command succeeded (the bundle verified), 1 when the bundle is refused (the reason code is
// printed, e.g. DigestMismatch or ThresholdNotMet), 2 when the options are wrong or a file cannot be read or written.
// The package gitsource/bundle defines the format and gitsource/verify the signatures.
package bundle
