package keyless

import (
	"fmt"
	"maps"
	"slices"

	"github.com/sigstore/sigstore-go/pkg/root"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

// VerifyBundle checks the key signatures and the keyless signatures of a loaded bundle and applies the requirement to
// both together: key names and identity names are one set of signers. It returns one check per signature file and
// per signer without one, sorted, and the valid signers. Without identities, every sigstore bundle is reported as
// ignored. This is what the CLI and the GitSource controller both run.
func VerifyBundle(b *bundle.Bundle, keys []verify.Key, ids []Identity, tr root.TrustedMaterial,
	req verify.Requirement) (checks []verify.Check, signers []string, err error) {
	keyChecks, err := verify.Checks(b.ManifestBytes, b.Signatures, keys)
	if err != nil {
		return nil, nil, err
	}
	keylessChecks, err := checksOf(b, ids, tr)
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, 0, len(keys)+len(ids))
	for _, k := range keys {
		names = append(names, k.Name)
	}
	for _, id := range ids {
		names = append(names, id.Name)
	}
	checks = verify.Merge(keyChecks, keylessChecks)
	signers, err = req.Apply(checks, names)
	return checks, signers, err
}

// checksOf verifies the sigstore bundles against the identities. A refusal of Verify because no identity signed is
// left to the requirement; invalid identities or roots give no checks and an error.
func checksOf(b *bundle.Bundle, ids []Identity, tr root.TrustedMaterial) ([]verify.Check, error) {
	if len(ids) == 0 {
		var checks []verify.Check
		for _, name := range slices.Sorted(maps.Keys(b.SigstoreBundles)) {
			checks = append(checks, verify.Check{Signer: name,
				Err: fmt.Errorf("%w: the keyless signature is ignored (no identity %s)", verify.ErrNoKey, name)})
		}
		return checks, nil
	}
	_, checks, err := Verify(b.ManifestBytes, b.SigstoreBundles, ids, tr)
	if err != nil && checks == nil {
		return nil, err
	}
	return checks, nil
}
