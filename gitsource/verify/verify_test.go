package verify

import (
	"crypto"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

func TestVerifyRequirements(t *testing.T) {
	release, staging, ci := newKey(t, "p256"), newKey(t, "ed25519"), newKey(t, "rsa2048")
	keys := []Key{{"release", release.Public()}, {"staging", staging.Public()}, {"ci", ci.Public()}}
	m := []byte(manifest)
	valid := func(k crypto.Signer) []byte { return sign(t, m, k) }
	tests := []struct {
		name    string
		sigs    map[string][]byte
		req     Requirement
		signers []string
		reason  bundle.Reason
		msg     string
	}{
		{"one valid signature", map[string][]byte{"release": valid(release)}, Requirement{}, []string{"release"}, "", ""},
		{"promoted", map[string][]byte{"release": valid(release), "staging": valid(staging)},
			Requirement{Requires: []string{"release", "staging"}}, []string{"release", "staging"}, "", ""},
		{"not promoted yet", map[string][]byte{"release": valid(release)}, Requirement{Requires: []string{"release", "staging"}},
			[]string{"release"}, ErrMissingSignature, "staging (no signature file); valid: release"},
		{"promotion signature by the wrong key", map[string][]byte{"release": valid(release), "staging": valid(release)},
			Requirement{Requires: []string{"release", "staging"}}, []string{"release"}, ErrSignatureInvalid,
			"staging (signature does not verify)"},
		{"threshold met", map[string][]byte{"release": valid(release), "ci": valid(ci)}, Requirement{Threshold: 2},
			[]string{"ci", "release"}, "", ""},
		{"threshold not met", map[string][]byte{"release": valid(release), "ci": []byte("bm90IGEgc2lnbmF0dXJl")},
			Requirement{Threshold: 2}, []string{"release"}, ErrThresholdNotMet, "2 of 3 keys must sign, valid: release"},
		{"unsigned", nil, Requirement{}, nil, ErrThresholdNotMet, "1 of 3 keys must sign, valid: none"},
		{"unknown signer does not count", map[string][]byte{"mallory": valid(newKey(t, "p256"))}, Requirement{}, nil,
			ErrThresholdNotMet, "valid: none"},
		{"an invalid extra signature is ignored", map[string][]byte{"release": valid(release), "ci": []byte("%%%")},
			Requirement{}, []string{"release"}, "", ""},
		{"required and threshold", map[string][]byte{"staging": valid(staging), "ci": valid(ci)},
			Requirement{Requires: []string{"staging"}, Threshold: 2}, []string{"ci", "staging"}, "", ""},
		{"signature text with a final newline", map[string][]byte{"ci": append(valid(ci), '\n')}, Requirement{},
			[]string{"ci"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signers, err := Verify(m, tt.sigs, keys, tt.req)
			assert.Equal(t, tt.signers, signers)
			if tt.reason == "" {
				require.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.reason)
			assert.ErrorContains(t, err, tt.msg)
		})
	}
}

func TestReportExplainsEachSignature(t *testing.T) {
	release, staging := newKey(t, "p256"), newKey(t, "p384")
	keys := []Key{{"release", release.Public()}, {"staging", staging.Public()}, {"ci", newKey(t, "ed25519").Public()}}
	sigs := map[string][]byte{
		"release": sign(t, []byte(manifest), release),
		"staging": sign(t, []byte(manifest), release),
		"extra":   sign(t, []byte(manifest), release),
		"ci":      []byte("not base64!"),
	}
	checks, signers, err := Report([]byte(manifest), sigs, keys, Requirement{})
	require.NoError(t, err)
	assert.Equal(t, []string{"release"}, signers)
	require.Len(t, checks, 4)
	got := map[string]Check{}
	for _, c := range checks {
		got[c.Signer] = c
	}
	assert.Equal(t, []string{"ci", "extra", "release", "staging"}, []string{checks[0].Signer, checks[1].Signer, checks[2].Signer, checks[3].Signer})
	assert.True(t, got["release"].Valid)
	assert.Equal(t, "ECDSA P-256", got["release"].Key)
	assert.ErrorIs(t, got["staging"].Err, ErrBadSignature)
	assert.Equal(t, "ECDSA P-384", got["staging"].Key)
	assert.ErrorIs(t, got["ci"].Err, ErrBadEncoding)
	assert.ErrorIs(t, got["extra"].Err, ErrNoKey)
	assert.Empty(t, got["extra"].Key)

	checks, _, _ = Report([]byte(manifest), nil, keys[:1], Requirement{})
	require.Len(t, checks, 1)
	assert.ErrorIs(t, checks[0].Err, ErrNoSignature)
}

func TestVerifyRefusesBadKeysAndRequirements(t *testing.T) {
	a, b := newKey(t, "p256"), newKey(t, "ed25519")
	tests := []struct {
		name   string
		keys   []Key
		req    Requirement
		reason bundle.Reason
		msg    string
	}{
		{"no keys", nil, Requirement{}, ErrInvalidRequirement, "no keys"},
		{"required key unknown", []Key{{"a", a.Public()}}, Requirement{Requires: []string{"b"}}, ErrInvalidRequirement, "b has no key"},
		{"required twice", []Key{{"a", a.Public()}}, Requirement{Requires: []string{"a", "a"}}, ErrInvalidRequirement, "twice"},
		{"threshold above keys", []Key{{"a", a.Public()}}, Requirement{Threshold: 2}, ErrInvalidRequirement, "threshold 2"},
		{"negative threshold", []Key{{"a", a.Public()}}, Requirement{Threshold: -1}, ErrInvalidRequirement, "threshold -1"},
		{"one key under two names", []Key{{"a", a.Public()}, {"b", a.Public()}}, Requirement{Threshold: 2}, ErrInvalidKey, "same public key"},
		{"name twice", []Key{{"a", a.Public()}, {"a", b.Public()}}, Requirement{}, ErrInvalidKey, "twice"},
		{"bad name", []Key{{"../a", a.Public()}}, Requirement{}, ErrInvalidKey, "signer name"},
		{"small RSA", []Key{{"a", newKey(t, "rsa1024").Public()}}, Requirement{}, ErrInvalidKey, "2048"},
		{"not a key", []Key{{"a", "hello"}}, Requirement{}, ErrInvalidKey, "unsupported public key type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.req.Validate(tt.keys), tt.reason)
			_, err := Verify([]byte(manifest), map[string][]byte{"a": sign(t, []byte(manifest), a)}, tt.keys, tt.req)
			assert.ErrorIs(t, err, tt.reason)
			assert.ErrorContains(t, err, tt.msg)
		})
	}
}

func TestSignRefusesUnsupportedKeys(t *testing.T) {
	_, err := Sign([]byte(manifest), newKey(t, "rsa1024"))
	assert.ErrorContains(t, err, "2048")
	_, err = Sign([]byte(manifest), newKey(t, "p224"))
	assert.ErrorContains(t, err, "curve")
}
