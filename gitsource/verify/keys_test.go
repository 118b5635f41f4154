package verify

import (
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignAndVerifyEachKeyType(t *testing.T) {
	for _, typ := range keyTypes {
		t.Run(typ, func(t *testing.T) {
			k := newKey(t, typ)
			loaded, err := LoadPrivateKey(pkcs8PEM(t, k), nil)
			require.NoError(t, err)
			pub, err := LoadPublicKeyPEM(publicPEM(t, k.Public()))
			require.NoError(t, err)
			sig := sign(t, []byte(manifest), loaded)
			signers, err := Verify([]byte(manifest), map[string][]byte{"release": sig},
				[]Key{{Name: "release", PublicKey: pub}}, Requirement{})
			require.NoError(t, err)
			assert.Equal(t, []string{"release"}, signers)

			_, err = Verify([]byte(manifest+" "), map[string][]byte{"release": sig},
				[]Key{{Name: "release", PublicKey: pub}}, Requirement{})
			assert.ErrorIs(t, err, ErrThresholdNotMet, "one more byte in the manifest")
		})
	}
}

func TestLoadPrivateKeyFormats(t *testing.T) {
	ec := newKey(t, "p256").(*ecdsa.PrivateKey)
	secDER, err := x509.MarshalECPrivateKey(ec)
	require.NoError(t, err)
	rk := newKey(t, "rsa2048").(*rsa.PrivateKey)
	fixture := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", "interop", "keys", name))
		require.NoError(t, err)
		return data
	}
	password := func(pw string) func() ([]byte, error) { return func() ([]byte, error) { return []byte(pw), nil } }
	tests := []struct {
		name     string
		pem      []byte
		password func() ([]byte, error)
		err      string
	}{
		{"PKCS #8", pkcs8PEM(t, ec), nil, ""},
		{"SEC 1", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: secDER}), nil, ""},
		{"PKCS #1", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rk)}), nil, ""},
		{"cosign encrypted P-256", fixture("p256.key"), password("bylaw-test"), ""},
		{"cosign encrypted, old label", fixture("p384.key"), password("bylaw-test"), ""},
		{"cosign encrypted Ed25519", fixture("ed25519.key"), password("bylaw-test"), ""},
		{"cosign encrypted RSA", fixture("rsa.key"), password("bylaw-test"), ""},
		{"wrong password", fixture("p256.key"), password("nope"), "wrong password"},
		{"no password function", fixture("p256.key"), nil, "no password"},
		{"password error", fixture("p256.key"), func() ([]byte, error) { return nil, errors.New("no tty") }, "no tty"},
		{"PKCS #8 encrypted", pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED PRIVATE KEY", Bytes: []byte{1}}), nil, "not supported"},
		{"public key", publicPEM(t, ec.Public()), nil, "not a private key"},
		{"not PEM", []byte("hello"), nil, "no PEM block"},
		{"corrupt DER", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{1, 2}}), nil, "parsing PRIVATE KEY"},
		{"RSA too small", pkcs8PEM(t, newKey(t, "rsa1024")), nil, "at least 2048"},
		{"P-224", pkcs8PEM(t, newKey(t, "p224")), nil, "unsupported ECDSA curve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := LoadPrivateKey(tt.pem, tt.password)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			sig := sign(t, []byte(manifest), k)
			_, err = Verify([]byte(manifest), map[string][]byte{"k": sig}, []Key{{Name: "k", PublicKey: k.Public()}}, Requirement{})
			assert.NoError(t, err)
		})
	}
}

func TestEncryptedKeyEnvelopeChecks(t *testing.T) {
	pw := func() ([]byte, error) { return []byte("x"), nil }
	tests := map[string]string{
		"not JSON":         "nope",
		"other KDF":        `{"kdf":{"name":"pbkdf2","params":{"N":32768,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"` + nonce + `"}}`,
		"expensive scrypt": `{"kdf":{"name":"scrypt","params":{"N":1073741824,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"` + nonce + `"}}`,
		"short nonce":      `{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"AA=="},"cipher":{"name":"nacl/secretbox","nonce":"AA=="}}`,
		"no salt":          `{"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1}},"cipher":{"name":"nacl/secretbox","nonce":"` + nonce + `"}}`,
	}
	for name, env := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := LoadPrivateKey(pem.EncodeToMemory(&pem.Block{Type: "ENCRYPTED SIGSTORE PRIVATE KEY", Bytes: []byte(env)}), pw)
			assert.Error(t, err)
		})
	}
}

// nonce is 24 zero bytes in base64.
const nonce = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

func TestLoadPublicKeyPEM(t *testing.T) {
	rk := newKey(t, "rsa2048").(*rsa.PrivateKey)
	tests := []struct {
		name string
		pem  []byte
		err  string
	}{
		{"PKIX ECDSA", publicPEM(t, newKey(t, "p256").Public()), ""},
		{"PKIX Ed25519", publicPEM(t, newKey(t, "ed25519").Public()), ""},
		{"PKCS #1 RSA", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&rk.PublicKey)}), ""},
		{"small RSA", publicPEM(t, newKey(t, "rsa1024").Public()), "at least 2048"},
		{"P-224", publicPEM(t, newKey(t, "p224").Public()), "unsupported ECDSA curve"},
		{"private key", pkcs8PEM(t, rk), "not a public key"},
		{"garbage", []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), "parsing public key"},
		{"empty", nil, "no PEM block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadPublicKeyPEM(tt.pem)
			if tt.err == "" {
				assert.NoError(t, err)
			} else {
				assert.ErrorContains(t, err, tt.err)
			}
		})
	}
}
