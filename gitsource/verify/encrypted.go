package verify

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/scrypt"
)

// encryptedKey is the JSON envelope of a cosign encrypted private key: the PKCS #8 DER key sealed with NaCl
// secretbox under a key derived from the password with scrypt.
type encryptedKey struct {
	KDF struct {
		Name   string       `json:"name"`
		Params scryptParams `json:"params"`
		Salt   []byte       `json:"salt"`
	} `json:"kdf"`
	Cipher struct {
		Name  string `json:"name"`
		Nonce []byte `json:"nonce"`
	} `json:"cipher"`
	Ciphertext []byte `json:"ciphertext"`
}

type scryptParams struct {
	N int `json:"N"`
	R int `json:"r"`
	P int `json:"p"`
}

// acceptedScrypt are the scrypt settings cosign has written (N = 2^15, 2^16, 2^17; r = 8; p = 1); anything else is
// refused so that a crafted key file cannot make the derivation arbitrarily expensive.
func acceptedScrypt(p scryptParams) bool {
	return p.R == 8 && p.P == 1 && (p.N == 1<<15 || p.N == 1<<16 || p.N == 1<<17)
}

const (
	secretboxKeySize   = 32
	secretboxNonceSize = 24
)

// decryptCosignKey opens a cosign encrypted key and parses the PKCS #8 key inside.
func decryptCosignKey(data []byte, password func() ([]byte, error)) (any, error) {
	var env encryptedKey
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("encrypted key envelope: %w", err)
	}
	switch {
	case env.KDF.Name != "scrypt" || env.Cipher.Name != "nacl/secretbox":
		return nil, fmt.Errorf("unsupported encryption %s + %s (want scrypt + nacl/secretbox)", env.KDF.Name, env.Cipher.Name)
	case !acceptedScrypt(env.KDF.Params):
		return nil, fmt.Errorf("unsupported scrypt parameters N=%d r=%d p=%d", env.KDF.Params.N, env.KDF.Params.R, env.KDF.Params.P)
	case len(env.KDF.Salt) == 0 || len(env.Cipher.Nonce) != secretboxNonceSize:
		return nil, errors.New("missing salt or bad nonce")
	case password == nil:
		return nil, errors.New("the key is encrypted and no password was given")
	}
	pw, err := password()
	if err != nil {
		return nil, fmt.Errorf("reading the password: %w", err)
	}
	k, err := scrypt.Key(pw, env.KDF.Salt, env.KDF.Params.N, env.KDF.Params.R, env.KDF.Params.P, secretboxKeySize)
	if err != nil {
		return nil, fmt.Errorf("deriving the key: %w", err)
	}
	var key [secretboxKeySize]byte
	var nonce [secretboxNonceSize]byte
	copy(key[:], k)
	copy(nonce[:], env.Cipher.Nonce)
	der, ok := secretbox.Open(nil, env.Ciphertext, &nonce, &key)
	if !ok {
		return nil, errors.New("decryption failed: wrong password?")
	}
	return x509.ParsePKCS8PrivateKey(der)
}
