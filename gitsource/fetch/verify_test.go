package fetch

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVerify(t *testing.T) {
	g := newGitServer(t)
	alice, alicePub := newPGPKey(t, "Alice")
	_, bobPub := newPGPKey(t, "Bob")
	p := newPusher(t, g.pushURL("signed.git"))
	signed := p.commit("signed", map[string]string{"a.yaml": "a"}, alice)
	p.tag("v1.0.0", signed, "signed tag", alice)
	p.tag("v1.1.0", signed, "unsigned tag", nil)
	p.tag("v1.2.0", signed, "", nil)
	p.branch("unsigned")
	p.commit("unsigned", map[string]string{"b.yaml": "b"}, nil)
	p.branch("sshsigned")
	sshSigned := p.storeCommit("ssh", "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n")
	p.push()
	aliceID := alice.PrimaryKey.KeyIdString()

	type want struct{ object, hash string }
	cases := []struct {
		name    string
		ref     Ref
		mode    VerifyMode
		keys    [][]byte
		signers []want
		err     error
	}{
		{name: "HEAD signed by the key", ref: Ref{Branch: "main"}, mode: VerifyHEAD, keys: [][]byte{alicePub},
			signers: []want{{"commit", signed}}},
		{name: "HEAD with several keys", ref: Ref{Commit: signed}, mode: VerifyHEAD, keys: [][]byte{bobPub, alicePub},
			signers: []want{{"commit", signed}}},
		{name: "HEAD with another key", ref: Ref{Branch: "main"}, mode: VerifyHEAD, keys: [][]byte{bobPub}, err: ErrSignature},
		{name: "HEAD unsigned", ref: Ref{Branch: "unsigned"}, mode: VerifyHEAD, keys: [][]byte{alicePub}, err: ErrSignature},
		{name: "HEAD SSH signature unsupported", ref: Ref{Commit: sshSigned}, mode: VerifyHEAD, keys: [][]byte{alicePub}, err: ErrSignature},
		{name: "Tag signed", ref: Ref{Tag: "v1.0.0"}, mode: VerifyTag, keys: [][]byte{alicePub},
			signers: []want{{"tag", ""}}},
		{name: "Tag via semver", ref: Ref{SemVer: "<1.1.0"}, mode: VerifyTag, keys: [][]byte{alicePub},
			signers: []want{{"tag", ""}}},
		{name: "Tag and HEAD", ref: Ref{Tag: "v1.0.0"}, mode: VerifyTagAndHEAD, keys: [][]byte{alicePub},
			signers: []want{{"tag", ""}, {"commit", signed}}},
		{name: "Tag with another key", ref: Ref{Tag: "v1.0.0"}, mode: VerifyTag, keys: [][]byte{bobPub}, err: ErrSignature},
		{name: "Tag unsigned", ref: Ref{Tag: "v1.1.0"}, mode: VerifyTag, keys: [][]byte{alicePub}, err: ErrSignature},
		{name: "Tag lightweight", ref: Ref{Tag: "v1.2.0"}, mode: VerifyTag, keys: [][]byte{alicePub}, err: ErrSignature},
		{name: "Tag mode on a branch", ref: Ref{Branch: "main"}, mode: VerifyTag, keys: [][]byte{alicePub}, err: ErrInvalid},
		{name: "unknown mode", ref: Ref{Branch: "main"}, mode: "Everything", keys: [][]byte{alicePub}, err: ErrInvalid},
		{name: "no keys", ref: Ref{Branch: "main"}, mode: VerifyHEAD, err: ErrInvalid},
		{name: "bad key", ref: Ref{Branch: "main"}, mode: VerifyHEAD, keys: [][]byte{[]byte("not a key")}, err: ErrInvalid},
	}
	var f Fetcher
	cache := t.TempDir()
	tc := g.transports()[1] // over SSH
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := fetchOpts(tc, "signed.git", cache, c.ref)
			opts.Verify = &Verification{Mode: c.mode, PublicKeys: c.keys}
			res, err := f.Fetch(context.Background(), opts)
			if c.err != nil {
				require.ErrorIs(t, err, c.err)
				t.Log(err)
				return
			}
			require.NoError(t, err)
			require.Len(t, res.Signers, len(c.signers))
			for i, w := range c.signers {
				s := res.Signers[i]
				assert.Equal(t, w.object, s.Object)
				if w.hash != "" {
					assert.Equal(t, w.hash, s.Hash)
				}
				assert.Equal(t, aliceID, s.KeyID)
				assert.Len(t, s.Fingerprint, 40)
				assert.Equal(t, []string{"Alice <alice@example.com>"}, s.Identities)
			}
		})
	}
}
