package fetch

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

// VerifyMode says which objects must carry a valid signature.
type VerifyMode string

// Verification modes, named as in Flux's GitRepository.
const (
	// VerifyHEAD checks the signature of the commit the ref resolves to.
	VerifyHEAD VerifyMode = "HEAD"
	// VerifyTag checks the signature of the annotated tag (Tag and SemVer refs).
	VerifyTag VerifyMode = "Tag"
	// VerifyTagAndHEAD checks both.
	VerifyTagAndHEAD VerifyMode = "TagAndHEAD"
)

// Verification asks Fetch to check OpenPGP signatures. SSH and X.509
// signatures are reported as unsupported (go-git v5 verifies OpenPGP only).
type Verification struct {
	// Mode selects the objects to check.
	Mode VerifyMode
	// PublicKeys are ASCII-armored OpenPGP public keys, one armor block
	// each (a block may hold several keys). Any of them may sign.
	PublicKeys [][]byte
}

// Signer tells which key signed a commit or a tag.
type Signer struct {
	// Object is "commit" or "tag".
	Object string
	// Hash is the signed object's hash.
	Hash string
	// KeyID is the 16-hex ID of the signer's primary key.
	KeyID string
	// Fingerprint is the hex fingerprint of the signer's primary key.
	Fingerprint string
	// Identities are the key's user IDs, such as "Name <mail>".
	Identities []string
}

func (v *Verification) validate(refKind string) error {
	switch v.Mode {
	case VerifyHEAD:
	case VerifyTag, VerifyTagAndHEAD:
		if refKind != "tag" && refKind != "semver" {
			return fmt.Errorf("verify mode %s needs a tag or semver ref, got %s", v.Mode, refKind)
		}
	default:
		return fmt.Errorf("unknown verify mode %q", v.Mode)
	}
	if len(v.PublicKeys) == 0 {
		return errors.New("verification needs at least one public key")
	}
	return nil
}

// verifier holds the parsed key ring; a nil *verifier verifies nothing.
type verifier struct {
	mode    VerifyMode
	keyRing string // all keys as one armored block, the form go-git wants
}

func newVerifier(v *Verification) (*verifier, error) {
	if v == nil {
		return nil, nil
	}
	var all openpgp.EntityList
	for i, key := range v.PublicKeys {
		list, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(key))
		if err != nil {
			return nil, fmt.Errorf("public key %d: %w", i, err)
		}
		all = append(all, list...)
	}
	var buf bytes.Buffer
	w, err := armor.Encode(&buf, openpgp.PublicKeyType, nil)
	if err != nil {
		return nil, fmt.Errorf("key ring: %w", err)
	}
	for _, e := range all {
		if err := e.Serialize(w); err != nil {
			return nil, fmt.Errorf("key ring: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("key ring: %w", err)
	}
	return &verifier{mode: v.Mode, keyRing: buf.String()}, nil
}

// check verifies t according to the mode and returns the signers.
func (v *verifier) check(t target) ([]Signer, error) {
	if v == nil {
		return nil, nil
	}
	var signers []Signer
	if v.mode == VerifyTag || v.mode == VerifyTagAndHEAD {
		if t.tag == nil {
			return nil, signatureError("tag %s is lightweight, it cannot be signed", t.tagName)
		}
		if err := supported("tag "+t.tagName, t.tag.PGPSignature); err != nil {
			return nil, err
		}
		e, err := t.tag.Verify(v.keyRing)
		if err != nil {
			return nil, signatureError("tag %s: %w", t.tagName, err)
		}
		signers = append(signers, signer("tag", t.tag.Hash.String(), e))
	}
	if v.mode == VerifyHEAD || v.mode == VerifyTagAndHEAD {
		hash := t.commit.Hash.String()
		if err := supported("commit "+hash, t.commit.PGPSignature); err != nil {
			return nil, err
		}
		e, err := t.commit.Verify(v.keyRing)
		if err != nil {
			return nil, signatureError("commit %s: %w", hash, err)
		}
		signers = append(signers, signer("commit", hash, e))
	}
	return signers, nil
}

// supported refuses unsigned objects and signatures other than OpenPGP.
func supported(what, sig string) error {
	switch {
	case sig == "":
		return signatureError("%s is not signed", what)
	case strings.HasPrefix(sig, "-----BEGIN SSH SIGNATURE-----"):
		return signatureError("%s: SSH signatures are not supported", what)
	case !strings.HasPrefix(sig, "-----BEGIN PGP SIGNATURE-----"):
		return signatureError("%s: only OpenPGP signatures are supported", what)
	}
	return nil
}

func signatureError(format string, args ...any) error {
	return &Error{Reason: ReasonSignature, Err: fmt.Errorf(format, args...)}
}

func signer(object, hash string, e *openpgp.Entity) Signer {
	s := Signer{
		Object:      object,
		Hash:        hash,
		KeyID:       e.PrimaryKey.KeyIdString(),
		Fingerprint: fmt.Sprintf("%X", e.PrimaryKey.Fingerprint),
	}
	for name := range e.Identities {
		s.Identities = append(s.Identities, name)
	}
	slices.Sort(s.Identities)
	return s
}
