package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

// Reasons a bundle's signatures are refused for (bundle.RefusalError reasons).
const (
	// ErrMissingSignature: a required signer has no signature file.
	ErrMissingSignature bundle.Reason = "MissingSignature"
	// ErrSignatureInvalid: a required signer's signature does not verify.
	ErrSignatureInvalid bundle.Reason = "SignatureInvalid"
	// ErrThresholdNotMet: fewer distinct keys than the threshold signed validly.
	ErrThresholdNotMet bundle.Reason = "ThresholdNotMet"
	// ErrInvalidRequirement: the requirement names an unknown key, or asks for more signatures than there are keys.
	ErrInvalidRequirement bundle.Reason = "InvalidRequirement"
	// ErrInvalidKey: a key has an invalid name, an unsupported type, or repeats another key.
	ErrInvalidKey bundle.Reason = "InvalidKey"
)

// Requirement says which signatures a bundle needs.
type Requirement struct {
	// Requires are key names that must each have a valid signature (for promotion: "release" and "staging").
	Requires []string
	// Threshold is the least number of keys with a valid signature; 0 means 1. A bundle is never accepted unsigned.
	Threshold int
}

// Check is the outcome for one signer: a signature file, or a key that has none.
type Check struct {
	Signer string
	// Key describes the key used, e.g. "ECDSA P-256"; empty when no key has the signer's name.
	Key   string
	Valid bool
	// Err says why the signature is not valid (ErrNoKey, ErrNoSignature, ErrBadEncoding, ErrBadSignature, wrapped).
	Err error
}

// Verify checks the signatures (content by signer) over the manifest bytes with the keys, and applies the
// requirement. It returns the signers whose signature is valid, sorted, and a *bundle.RefusalError when the
// requirement is not met or the keys or requirement are invalid.
func Verify(manifest []byte, sigs map[string][]byte, keys []Key, req Requirement) (signers []string, err error) {
	_, signers, err = Report(manifest, sigs, keys, req)
	return signers, err
}

// Report is Verify that also returns one Check per signature file and per key without a signature file, sorted by
// signer, so that a caller can show every check.
func Report(manifest []byte, sigs map[string][]byte, keys []Key, req Requirement) (checks []Check, signers []string, err error) {
	byName, err := req.check(keys)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]bool{}
	for n := range sigs {
		names[n] = true
	}
	for n := range byName {
		names[n] = true
	}
	for _, name := range slices.Sorted(maps.Keys(names)) {
		c := checkOne(manifest, name, sigs, byName)
		if c.Valid {
			signers = append(signers, name)
		}
		checks = append(checks, c)
	}
	return checks, signers, req.apply(checks, signers, len(keys))
}

func checkOne(manifest []byte, name string, sigs map[string][]byte, keys map[string]Key) Check {
	key, hasKey := keys[name]
	sig, hasSig := sigs[name]
	c := Check{Signer: name}
	if hasKey {
		c.Key = describe(key.PublicKey)
	}
	switch {
	case !hasKey:
		c.Err = fmt.Errorf("%w: the signature is ignored", ErrNoKey)
	case !hasSig:
		c.Err = ErrNoSignature
	default:
		c.Err = verifySignature(key.PublicKey, manifest, sig)
		c.Valid = c.Err == nil
	}
	return c
}

// Validate refuses invalid keys (ErrInvalidKey) and a requirement they cannot meet (ErrInvalidRequirement): a
// required signer without a key, or a threshold above the number of keys.
func (r Requirement) Validate(keys []Key) error {
	_, err := r.check(keys)
	return err
}

func (r Requirement) check(keys []Key) (map[string]Key, error) {
	byName, err := checkKeys(keys)
	if err != nil {
		return nil, err
	}
	return byName, r.validate(byName)
}

func (r Requirement) validate(keys map[string]Key) error {
	return r.validateNames(slices.Collect(maps.Keys(keys)))
}

// validateNames refuses a requirement the signers (key names and keyless identity names) cannot meet.
func (r Requirement) validateNames(available []string) error {
	if len(available) == 0 {
		return bundle.Refuse(ErrInvalidRequirement, "", "no keys to verify with")
	}
	known := map[string]bool{}
	for _, name := range available {
		known[name] = true
	}
	seen := map[string]bool{}
	for _, name := range r.Requires {
		if !known[name] {
			return bundle.Refuse(ErrInvalidRequirement, "", "required signer %s has no key", name)
		}
		if seen[name] {
			return bundle.Refuse(ErrInvalidRequirement, "", "required signer %s named twice", name)
		}
		seen[name] = true
	}
	if r.Threshold < 0 || r.Threshold > len(available) {
		return bundle.Refuse(ErrInvalidRequirement, "", "threshold %d with %d key(s)", r.Threshold, len(available))
	}
	return nil
}

// apply refuses when a required signer has no valid signature, or fewer keys than the threshold signed.
func (r Requirement) apply(checks []Check, signers []string, keys int) error {
	byName := map[string]Check{}
	for _, c := range checks {
		byName[c.Signer] = c
	}
	var reason bundle.Reason
	var failed []string
	for _, name := range r.Requires {
		c := byName[name]
		if c.Valid {
			continue
		}
		if reason == "" {
			reason = ErrSignatureInvalid
			if errors.Is(c.Err, ErrNoSignature) {
				reason = ErrMissingSignature
			}
		}
		failed = append(failed, fmt.Sprintf("%s (%v)", name, c.Err))
	}
	if len(failed) > 0 {
		return bundle.Refuse(reason, "", "required signer(s) without a valid signature: %s; valid: %s",
			strings.Join(failed, ", "), list(signers))
	}
	if threshold := max(r.Threshold, 1); len(signers) < threshold {
		return bundle.Refuse(ErrThresholdNotMet, "", "%d of %d keys must sign, valid: %s%s", threshold, keys,
			list(signers), invalid(checks))
	}
	return nil
}

// invalid lists the signatures of known signers that do not verify, for a refusal's message ("" without any).
func invalid(checks []Check) string {
	var out []string
	for _, c := range checks {
		if !c.Valid && c.Key != "" && c.Err != nil && !errors.Is(c.Err, ErrNoSignature) {
			out = append(out, fmt.Sprintf("%s (%v)", c.Signer, c.Err))
		}
	}
	if len(out) == 0 {
		return ""
	}
	return "; not valid: " + strings.Join(out, ", ")
}

func list(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// describe names a public key's type, e.g. "ECDSA P-256".
func describe(pub crypto.PublicKey) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case ed25519.PublicKey:
		return "Ed25519"
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA %d", k.N.BitLen())
	}
	return fmt.Sprintf("%T", pub)
}
