package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

// MinRSABits is the smallest RSA modulus accepted.
const MinRSABits = 2048

// Key is a named public key; a signature named after the key (signatures/<name>.sig) is checked with it.
type Key struct {
	Name      string
	PublicKey crypto.PublicKey
}

// PEM block types of private keys.
const (
	pemPKCS8           = "PRIVATE KEY"
	pemEC              = "EC PRIVATE KEY"
	pemPKCS1           = "RSA PRIVATE KEY"
	pemEncryptedPKCS8  = "ENCRYPTED PRIVATE KEY"
	pemSigstoreEncrypt = "ENCRYPTED SIGSTORE PRIVATE KEY"
	pemCosignEncrypt   = "ENCRYPTED COSIGN PRIVATE KEY"
)

// LoadPublicKeyPEM parses a PEM public key ("PUBLIC KEY", PKIX, as cosign.pub; or "RSA PUBLIC KEY", PKCS #1) and
// checks it is of a supported type and size.
func LoadPublicKeyPEM(data []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	var pub crypto.PublicKey
	var err error
	switch block.Type {
	case "PUBLIC KEY":
		pub, err = x509.ParsePKIXPublicKey(block.Bytes)
	case "RSA PUBLIC KEY":
		pub, err = x509.ParsePKCS1PublicKey(block.Bytes)
	default:
		return nil, fmt.Errorf("PEM block %q is not a public key", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("parsing public key: %w", err)
	}
	return pub, checkPublicKey(pub)
}

// checkPublicKey refuses key types and sizes Verify does not accept.
func checkPublicKey(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if _, err := curveHash(k.Curve); err != nil {
			return err
		}
	case ed25519.PublicKey:
		if len(k) != ed25519.PublicKeySize {
			return fmt.Errorf("ed25519 public key of %d bytes", len(k))
		}
	case *rsa.PublicKey:
		if k.N.BitLen() < MinRSABits {
			return fmt.Errorf("RSA key of %d bits, want at least %d", k.N.BitLen(), MinRSABits)
		}
	default:
		return fmt.Errorf("unsupported public key type %T (want ECDSA, Ed25519 or RSA)", pub)
	}
	return nil
}

// curveHash is the digest cosign uses with an ECDSA curve.
func curveHash(c elliptic.Curve) (crypto.Hash, error) {
	switch c {
	case elliptic.P256():
		return crypto.SHA256, nil
	case elliptic.P384():
		return crypto.SHA384, nil
	case elliptic.P521():
		return crypto.SHA512, nil
	}
	return 0, fmt.Errorf("unsupported ECDSA curve %s", c.Params().Name)
}

// LoadPrivateKey parses a PEM private key: PKCS #8, SEC 1 or PKCS #1, or a cosign encrypted key, for which
// password is called (an empty password is valid: cosign allows it). password may be nil when the key is not
// encrypted. PKCS #8 encrypted keys ("ENCRYPTED PRIVATE KEY") are not supported: convert them with `openssl pkcs8`
// or `cosign import-key-pair`.
func LoadPrivateKey(data []byte, password func() ([]byte, error)) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block found")
	}
	var key any
	var err error
	switch block.Type {
	case pemPKCS8:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case pemEC:
		key, err = x509.ParseECPrivateKey(block.Bytes)
	case pemPKCS1:
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case pemSigstoreEncrypt, pemCosignEncrypt:
		key, err = decryptCosignKey(block.Bytes, password)
	case pemEncryptedPKCS8:
		return nil, errors.New("PKCS #8 encrypted keys are not supported: " +
			"decrypt with `openssl pkey` or import with `cosign import-key-pair`")
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", block.Type, err)
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported private key type %T", key)
	}
	return signer, checkPublicKey(signer.Public())
}

// checkKeys refuses invalid or duplicate names and unsupported or repeated public keys.
func checkKeys(keys []Key) (map[string]Key, error) {
	byName := make(map[string]Key, len(keys))
	byDER := make(map[string]string, len(keys))
	for _, k := range keys {
		if err := bundle.CheckSignerName(k.Name); err != nil {
			return nil, bundle.Refuse(ErrInvalidKey, "", "key: %w", err)
		}
		if _, dup := byName[k.Name]; dup {
			return nil, bundle.Refuse(ErrInvalidKey, "", "key %s given twice", k.Name)
		}
		if err := checkPublicKey(k.PublicKey); err != nil {
			return nil, bundle.Refuse(ErrInvalidKey, "", "key %s: %w", k.Name, err)
		}
		der, err := x509.MarshalPKIXPublicKey(k.PublicKey)
		if err != nil {
			return nil, bundle.Refuse(ErrInvalidKey, "", "key %s: %w", k.Name, err)
		}
		if other, dup := byDER[string(der)]; dup {
			return nil, bundle.Refuse(ErrInvalidKey, "", "keys %s and %s are the same public key", other, k.Name)
		}
		byName[k.Name], byDER[string(der)] = k, k.Name
	}
	return byName, nil
}
