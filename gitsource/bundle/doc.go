// Package bundle reads, checks and writes signed policy bundles.
//
// A bundle is a folder: policy YAML files (at any depth, plus any other file the authors want to ship), a manifest
// `bundle.yaml`, and `signatures/`, one file per signer. The manifest names the bundle, gives it a positive,
// monotonically increasing version and an optional expiry, and lists every other file with its size and sha256:
//
//	apiVersion: bylaw.dev/v1alpha1
//	kind: Bundle
//	name: "platform"
//	version: 42
//	expires: "2026-01-01T00:00:00Z"
//	files:
//	  - path: "pods/restricted.yaml"
//	    sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
//	    size: 1234
//
// Signatures are made over the manifest's exact bytes, so a signature covers every file through its digest. The
// manifest must be byte-for-byte in the canonical form Render writes (every string quoted, fixed field order and
// indentation, files sorted by path): what a reviewer reads in a diff is exactly what Bylaw parses, and no YAML
// feature (comments, anchors, duplicate keys, alternative scalar forms) can make two parsers disagree.
//
// Build writes the manifest of a folder after checking every policy. Load reads a bundle and refuses it unless the
// folder holds exactly the listed files (plus the manifest and the signature files), every digest and size
// matches, no path escapes the folder, there are no symbolic links or special files, and everything fits the Limits.
// CheckFreshness and CheckName refuse expired, rolled-back and misnamed bundles. Every refusal is a *RefusalError
// whose Reason is a short CamelCase code for a status condition; package verify checks the signatures.
package bundle
