package verify

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"math/big"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

// TestSignatureIsCosignFormat proves the format with nothing but the standard library: the signature file is the
// standard base64 of an ASN.1 DER ECDSA signature over the SHA-256 of the manifest bytes, as `cosign sign-blob`
// prints for a P-256 key.
func TestSignatureIsCosignFormat(t *testing.T) {
	k := newKey(t, "p256").(*ecdsa.PrivateKey)
	text := sign(t, []byte(manifest), k)
	assert.NotContains(t, string(text), "\n", "no newline, as cosign --output-signature writes")
	der, err := base64.StdEncoding.DecodeString(string(text))
	require.NoError(t, err)
	var rs struct{ R, S *big.Int }
	rest, err := asn1.Unmarshal(der, &rs)
	require.NoError(t, err)
	assert.Empty(t, rest, "one DER SEQUENCE of r and s")
	digest := sha256.Sum256([]byte(manifest))
	assert.True(t, ecdsa.Verify(&k.PublicKey, digest[:], rs.R, rs.S))
	assert.True(t, ecdsa.VerifyASN1(&k.PublicKey, digest[:], der))
}

// TestSigstoreFixtures verifies signatures and reads keys written by sigstore's own code (testdata/interop/README.md).
func TestSigstoreFixtures(t *testing.T) {
	b, err := bundle.LoadDir(filepath.Join("testdata", "interop", "bundle"), bundle.Limits{})
	require.NoError(t, err)
	names := []string{"ed25519", "p256", "p384", "rsa"}
	var keys []Key
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", "interop", "keys", n+".pub"))
		require.NoError(t, err)
		pub, err := LoadPublicKeyPEM(data)
		require.NoError(t, err)
		keys = append(keys, Key{Name: n, PublicKey: pub})

		priv, err := os.ReadFile(filepath.Join("testdata", "interop", "keys", n+".key"))
		require.NoError(t, err)
		k, err := LoadPrivateKey(priv, func() ([]byte, error) { return []byte("bylaw-test"), nil })
		require.NoError(t, err)
		assert.Equal(t, pub, k.Public(), "the encrypted key holds the private half of %s.pub", n)
	}
	signers, err := Verify(b.ManifestBytes, b.Signatures, keys, Requirement{Requires: names, Threshold: 4})
	require.NoError(t, err)
	assert.Equal(t, names, signers)
}

// TestEd25519Variants: cosign 2 signs Ed25519ph, older cosign and most tools pure Ed25519; both verify, and Sign
// writes Ed25519ph.
func TestEd25519Variants(t *testing.T) {
	k := newKey(t, "ed25519").(ed25519.PrivateKey)
	pub := k.Public().(ed25519.PublicKey)
	keys := []Key{{Name: "k", PublicKey: pub}}
	pure := base64.StdEncoding.EncodeToString(ed25519.Sign(k, []byte(manifest)))
	_, err := Verify([]byte(manifest), map[string][]byte{"k": []byte(pure)}, keys, Requirement{})
	assert.NoError(t, err, "pure Ed25519")

	ph, err := base64.StdEncoding.DecodeString(string(sign(t, []byte(manifest), k)))
	require.NoError(t, err)
	assert.False(t, ed25519.Verify(pub, []byte(manifest), ph), "not pure")
	assert.True(t, checkWith(pub, []byte(manifest), ph), "Ed25519ph")
}
