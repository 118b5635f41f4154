package verify

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzVerify feeds arbitrary signature text and manifests to the verifier with one key of each type. Nothing may
// panic, every failure must carry a reason, and a signature may only verify over the manifest it was made for.
func FuzzVerify(f *testing.F) {
	signed := []byte(manifest)
	var keys []Key
	for _, typ := range keyTypes {
		k := newKey(f, typ)
		keys = append(keys, Key{Name: typ, PublicKey: k.Public()})
		f.Add(signed, sign(f, signed, k))
	}
	f.Add(signed, []byte("===="))
	f.Add([]byte{}, []byte("MEUCIQ"))
	f.Add(signed, bytes.Repeat([]byte("A"), 4096))
	f.Fuzz(func(t *testing.T, m, sig []byte) {
		sigs := map[string][]byte{}
		for _, k := range keys {
			sigs[k.Name] = sig
		}
		checks, signers, err := Report(m, sigs, keys, Requirement{})
		require.Len(t, checks, len(keys))
		if err != nil {
			require.ErrorIs(t, err, ErrThresholdNotMet)
			require.Empty(t, signers)
			return
		}
		require.Equal(t, string(signed), string(m), "a signature verified over another manifest")
	})
}
