package verify

import (
	"maps"
	"slices"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

// Checks verifies the signatures (content by signer) over the manifest bytes with the keys, without applying a
// requirement: one Check per signature file and per key without one, sorted by signer. It refuses invalid keys
// (ErrInvalidKey); no keys at all is not an error here, so that keyless identities alone can sign a bundle.
func Checks(manifest []byte, sigs map[string][]byte, keys []Key) ([]Check, error) {
	byName, err := checkKeys(keys)
	if err != nil {
		return nil, err
	}
	names := map[string]bool{}
	for n := range sigs {
		names[n] = true
	}
	for n := range byName {
		names[n] = true
	}
	checks := make([]Check, 0, len(names))
	for _, name := range slices.Sorted(maps.Keys(names)) {
		checks = append(checks, checkOne(manifest, name, sigs, byName))
	}
	return checks, nil
}

// Merge joins the checks of several verifiers (key signatures, keyless signatures), sorted by signer (stable). A check
// without a key or identity (Key empty: an ignored file) is dropped when another check of the same signer has one, so
// that a signer verified one way is not also shown as ignored the other way.
func Merge(lists ...[]Check) []Check {
	described := map[string]bool{}
	for _, l := range lists {
		for _, c := range l {
			if c.Key != "" {
				described[c.Signer] = true
			}
		}
	}
	var out []Check
	for _, l := range lists {
		for _, c := range l {
			if c.Key == "" && described[c.Signer] {
				continue
			}
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Check) int {
		switch {
		case a.Signer < b.Signer:
			return -1
		case a.Signer > b.Signer:
			return 1
		}
		return 0
	})
	return out
}

// ValidateNames refuses a requirement that signers of the available names (key names and keyless identity names)
// cannot meet (ErrInvalidRequirement), and a name given twice, as a key and as an identity for example
// (ErrInvalidKey): a signer name means one way of signing.
func (r Requirement) ValidateNames(available []string) error {
	seen := make(map[string]bool, len(available))
	for _, name := range available {
		if seen[name] {
			return bundle.Refuse(ErrInvalidKey, "", "signer %s is named twice (as a key and as a keyless identity?)", name)
		}
		seen[name] = true
	}
	return r.validateNames(available)
}

// ValidateSigners refuses invalid keys (ErrInvalidKey) and, as ValidateNames does, a requirement that the keys and
// the keyless identities of the given names cannot meet.
func (r Requirement) ValidateSigners(keys []Key, identities []string) error {
	if _, err := checkKeys(keys); err != nil {
		return err
	}
	names := make([]string, 0, len(keys)+len(identities))
	for _, k := range keys {
		names = append(names, k.Name)
	}
	return r.ValidateNames(append(names, identities...))
}

// Apply applies the requirement to checks of several verifiers (joined with Merge), counting the valid checks of the
// available signer names only: every name in Requires must have a valid check, and at least Threshold (0 means 1)
// names must. It returns the valid signers, sorted, and a *bundle.RefusalError as ValidateNames does or when the
// requirement is not met (ErrMissingSignature, ErrSignatureInvalid, ErrThresholdNotMet).
func (r Requirement) Apply(checks []Check, available []string) (signers []string, err error) {
	if err := r.ValidateNames(available); err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(available))
	for _, name := range available {
		known[name] = true
	}
	var relevant []Check
	for _, c := range checks {
		if c.Valid && known[c.Signer] && !slices.Contains(signers, c.Signer) {
			signers = append(signers, c.Signer)
		}
		if known[c.Signer] && (c.Valid || c.Key != "") {
			relevant = append(relevant, c)
		}
	}
	slices.Sort(signers)
	return signers, r.apply(preferValid(relevant), signers, len(available))
}

// preferValid keeps, per signer, a valid check when there is one, else the first.
func preferValid(checks []Check) []Check {
	byName := map[string]int{}
	var out []Check
	for _, c := range checks {
		i, ok := byName[c.Signer]
		switch {
		case !ok:
			byName[c.Signer] = len(out)
			out = append(out, c)
		case c.Valid && !out[i].Valid:
			out[i] = c
		}
	}
	return out
}
