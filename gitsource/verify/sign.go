package verify

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha256" // the digests cosign uses
	_ "crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
)

// maxSignatureBytes bounds a decoded signature (an RSA-8192 signature is 1024 bytes).
const maxSignatureBytes = 1024

// Per-signature failures, in Check.Err.
var (
	ErrBadEncoding  = errors.New("signature is not standard base64")
	ErrBadSignature = errors.New("signature does not verify")
	ErrNoKey        = errors.New("no key of that name")
	ErrNoSignature  = errors.New("no signature file")
)

// Sign signs the manifest bytes with key as `cosign sign-blob --key` does and returns the base64 text to write to
// signatures/<signer>.sig (no final newline).
func Sign(manifest []byte, key crypto.Signer) ([]byte, error) {
	if err := checkPublicKey(key.Public()); err != nil {
		return nil, err
	}
	var sig []byte
	var err error
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		h, _ := curveHash(k.Curve) // checked above
		sig, err = ecdsa.SignASN1(rand.Reader, k, digest(h, manifest))
	case ed25519.PrivateKey:
		sig, err = k.Sign(nil, digest(crypto.SHA512, manifest), &ed25519.Options{Hash: crypto.SHA512})
	case *rsa.PrivateKey:
		sig, err = rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, digest(crypto.SHA256, manifest))
	default:
		return nil, fmt.Errorf("unsupported private key type %T", key)
	}
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	return []byte(base64.StdEncoding.EncodeToString(sig)), nil
}

// verifySignature checks one signature file's content against the public key over the manifest bytes.
func verifySignature(pub crypto.PublicKey, manifest, text []byte) error {
	text = bytes.TrimSpace(text)
	if base64.StdEncoding.DecodedLen(len(text)) > maxSignatureBytes+2 {
		return fmt.Errorf("%w: %d bytes of text, too long", ErrBadEncoding, len(text))
	}
	sig, err := base64.StdEncoding.Strict().DecodeString(string(text))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadEncoding, err)
	}
	if !checkWith(pub, manifest, sig) {
		return ErrBadSignature
	}
	return nil
}

func checkWith(pub crypto.PublicKey, manifest, sig []byte) bool {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		h, err := curveHash(k.Curve)
		return err == nil && ecdsa.VerifyASN1(k, digest(h, manifest), sig)
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
			return false
		}
		opts := &ed25519.Options{Hash: crypto.SHA512}
		return ed25519.Verify(k, manifest, sig) || ed25519.VerifyWithOptions(k, digest(crypto.SHA512, manifest), sig, opts) == nil
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, digest(crypto.SHA256, manifest), sig) == nil
	}
	return false
}

func digest(h crypto.Hash, data []byte) []byte {
	d := h.New()
	d.Write(data)
	return d.Sum(nil)
}
