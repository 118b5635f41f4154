package verify

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"testing"

	"github.com/stretchr/testify/require"
)

// keyTypes are the key types a bundle can be signed with.
var keyTypes = []string{"p256", "p384", "p521", "ed25519", "rsa2048"}

func newKey(t testing.TB, typ string) crypto.Signer {
	t.Helper()
	var k crypto.Signer
	var err error
	switch typ {
	case "p256":
		k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "p384":
		k, err = ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "p521":
		k, err = ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "p224":
		k, err = ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	case "ed25519":
		_, k, err = ed25519.GenerateKey(rand.Reader)
	case "rsa2048":
		k, err = rsa.GenerateKey(rand.Reader, 2048)
	case "rsa1024":
		k, err = rsa.GenerateKey(rand.Reader, 1024)
	default:
		t.Fatalf("unknown key type %s", typ)
	}
	require.NoError(t, err)
	return k
}

func pkcs8PEM(t testing.TB, k crypto.Signer) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

func publicPEM(t testing.TB, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func sign(t testing.TB, manifest []byte, k crypto.Signer) []byte {
	t.Helper()
	sig, err := Sign(manifest, k)
	require.NoError(t, err)
	return sig
}

const manifest = "apiVersion: bylaw.dev/v1alpha1\nkind: Bundle\nname: \"p\"\nversion: 1\nfiles: []\n"
