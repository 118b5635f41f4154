package verify

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

func TestApplyCombined(t *testing.T) {
	release := newKey(t, "p256")
	keys := []Key{{"release", release.Public()}}
	m := []byte(manifest)
	keyless := func(name string, valid bool) Check {
		c := Check{Signer: name, Key: "keyless: issuer \"i\", subject \"s\"", Valid: valid}
		if !valid {
			c.Err = errors.New("wrong subject")
		}
		return c
	}
	missing := Check{Signer: "ci", Key: "keyless: issuer \"i\", subject \"s\"", Err: ErrNoSignature}
	tests := []struct {
		name      string
		sigs      map[string][]byte
		extra     []Check
		available []string
		req       Requirement
		signers   []string
		reason    bundle.Reason
		msg       string
	}{
		{"key and keyless count together", map[string][]byte{"release": sign(t, m, release)},
			[]Check{keyless("ci", true)}, []string{"release", "ci"}, Requirement{Threshold: 2},
			[]string{"ci", "release"}, "", ""},
		{"keyless alone", nil, []Check{keyless("ci", true)}, []string{"release", "ci"}, Requirement{},
			[]string{"ci"}, "", ""},
		{"required keyless signer without a bundle", map[string][]byte{"release": sign(t, m, release)},
			[]Check{missing}, []string{"release", "ci"}, Requirement{Requires: []string{"ci"}},
			[]string{"release"}, ErrMissingSignature, "ci (no signature file)"},
		{"required keyless signer with a wrong subject", nil, []Check{keyless("ci", false)},
			[]string{"release", "ci"}, Requirement{Requires: []string{"ci"}}, nil, ErrSignatureInvalid, "wrong subject"},
		{"threshold counts both kinds", map[string][]byte{"release": sign(t, m, release)},
			[]Check{keyless("ci", false)}, []string{"release", "ci"}, Requirement{Threshold: 2},
			[]string{"release"}, ErrThresholdNotMet, "2 of 2 keys must sign, valid: release; not valid: ci (wrong subject)"},
		{"a valid check of an unknown signer does not count", nil, []Check{keyless("mallory", true)},
			[]string{"release", "ci"}, Requirement{}, nil, ErrThresholdNotMet, "valid: none"},
		{"a name both key and identity", nil, []Check{keyless("release", true)}, []string{"release", "release"},
			Requirement{}, nil, ErrInvalidKey, "signer release is named twice"},
		{"required signer unknown", nil, nil, []string{"release"}, Requirement{Requires: []string{"ci"}}, nil,
			ErrInvalidRequirement, "required signer ci has no key"},
		{"threshold above the signers", nil, nil, []string{"release", "ci"}, Requirement{Threshold: 3}, nil,
			ErrInvalidRequirement, "threshold 3 with 2 key(s)"},
		{"no signers at all", nil, nil, nil, Requirement{}, nil, ErrInvalidRequirement, "no keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kc, err := Checks(m, tt.sigs, keys)
			require.NoError(t, err)
			signers, err := tt.req.Apply(Merge(kc, tt.extra), tt.available)
			if tt.reason == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.signers, signers)
				return
			}
			assert.ErrorIs(t, err, tt.reason)
			assert.ErrorContains(t, err, tt.msg)
			assert.Equal(t, tt.signers, signers)
		})
	}
}

func TestMergeDropsIgnoredDuplicates(t *testing.T) {
	keyChecks := []Check{{Signer: "release", Key: "ECDSA P-256", Valid: true}, {Signer: "ci", Err: ErrNoKey}}
	keylessChecks := []Check{{Signer: "ci", Key: "keyless: x", Valid: true}, {Signer: "release", Err: ErrNoKey},
		{Signer: "other", Err: ErrNoKey}}
	got := Merge(keyChecks, keylessChecks)
	assert.Equal(t, []Check{{Signer: "ci", Key: "keyless: x", Valid: true}, {Signer: "other", Err: ErrNoKey},
		{Signer: "release", Key: "ECDSA P-256", Valid: true}}, got)
}

func TestChecksWithoutKeys(t *testing.T) {
	checks, err := Checks([]byte(manifest), map[string][]byte{"x": []byte("c2ln")}, nil)
	require.NoError(t, err)
	require.Len(t, checks, 1)
	assert.ErrorIs(t, checks[0].Err, ErrNoKey)
}

func TestValidateSigners(t *testing.T) {
	release := newKey(t, "p256").Public()
	tests := []struct {
		name       string
		keys       []Key
		identities []string
		req        Requirement
		reason     bundle.Reason
	}{
		{"keys and identities", []Key{{"release", release}}, []string{"ci"}, Requirement{Requires: []string{"ci"}, Threshold: 2}, ""},
		{"identities alone", nil, []string{"ci"}, Requirement{}, ""},
		{"invalid key", []Key{{"Release", release}}, []string{"ci"}, Requirement{}, ErrInvalidKey},
		{"name both key and identity", []Key{{"release", release}}, []string{"release"}, Requirement{}, ErrInvalidKey},
		{"threshold above both", []Key{{"release", release}}, []string{"ci"}, Requirement{Threshold: 3}, ErrInvalidRequirement},
		{"nothing", nil, nil, Requirement{}, ErrInvalidRequirement},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.ValidateSigners(tt.keys, tt.identities)
			if tt.reason == "" {
				require.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tt.reason)
		})
	}
}
