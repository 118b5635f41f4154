package keyless

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitsource/verify"
)

// FuzzKeylessBundle feeds arbitrary bytes as a sigstore bundle. Nothing may panic, a failure is always a
// SignatureInvalid refusal, and only a bundle by the identity over this manifest may verify.
func FuzzKeylessBundle(f *testing.F) {
	vs := newSigstore(f)
	tr := trustedRoot(f, vs, allButCT)
	ids := []Identity{ciIdentity("ci")}
	valid := sign(f, vs, subject, issuer, []byte(manifest), bundleOptions{})
	f.Add(valid)
	f.Add(sign(f, vs, subject, issuer, []byte(manifest), bundleOptions{noTlog: true}))
	f.Add(sign(f, vs, "mallory@example.com", issuer, []byte(manifest), bundleOptions{}))
	f.Add(bytes.Replace(valid, []byte(`"SHA2_256"`), []byte(`"SHA2_512"`), 1))
	f.Add([]byte(`{"mediaType":"application/vnd.dev.sigstore.bundle+json;version=0.1"}`))
	f.Add([]byte("null"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		signers, checks, err := Verify([]byte(manifest), map[string][]byte{"ci": data}, ids, tr)
		require.Len(t, checks, 1)
		if err != nil {
			require.ErrorIs(t, err, verify.ErrSignatureInvalid)
			require.ErrorIs(t, checks[0].Err, verify.ErrSignatureInvalid)
			require.Empty(t, signers)
			return
		}
		require.Equal(t, []string{"ci"}, signers)
		require.True(t, checks[0].Valid)
	})
}
