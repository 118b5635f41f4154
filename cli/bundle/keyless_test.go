package bundle

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/keyless"
	"github.com/bylaw-dev/bylaw/tests/bundlerepo"
)

const (
	ciIssuer  = "https://token.actions.githubusercontent.com"
	ciSubject = "https://github.com/example/policies/.github/workflows/bundle.yaml@refs/heads/main"
)

// keylessBundle is signedBundle (release key) also signed keylessly as signatures/ci.sigstore.json by the CI workflow
// with a virtual Sigstore; it returns the folder, the key folder and the trusted_root.json file.
func keylessBundle(t *testing.T) (string, string, string) {
	t.Helper()
	dir, keys := signedBundle(t)
	vs := bundlerepo.NewSigstore(t)
	vs.SignBundle(t, "ci", ciSubject, ciIssuer)(dir)
	trFile := filepath.Join(keys, "trusted_root.json")
	require.NoError(t, os.WriteFile(trFile, vs.TrustedRootJSON(t), 0o644))
	return dir, keys, trFile
}

const ciIdentity = "ci,issuer=" + ciIssuer + ",subject-regexp=https://github\\.com/example/policies/.+"

func TestKeylessVerify(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(keys string, o *VerifyOptions)
		reason string
		lines  []string
	}{
		{"keyless alone", func(_ string, o *VerifyOptions) { o.Keys = nil }, "", []string{
			`signature  ci: valid (keyless: issuer "` + ciIssuer + `", subject matching "https://github\\.com/example/policies/.+")`,
			"signers    ok: signed by ci",
		}},
		{"key and keyless together", func(_ string, o *VerifyOptions) {
			o.Threshold, o.Requires = 2, []string{"ci", "release"}
		}, "", []string{"signature  release: valid (ECDSA P-256)", "signers    ok: signed by ci, release"}},
		{"wrong subject", func(_ string, o *VerifyOptions) {
			o.Identities = []string{"ci,issuer=" + ciIssuer + ",subject=https://github.com/example/other"}
			o.Requires = []string{"ci"}
		}, "SignatureInvalid", []string{"signature  ci: not valid (keyless: ", "wrong subject"}},
		{"threshold counts keyless", func(keys string, o *VerifyOptions) {
			o.Identities = []string{"ci,issuer=https://accounts.google.com,subject=a@example.com"}
			o.Threshold = 2
		}, "ThresholdNotMet", []string{"wrong issuer", "signers    refused: ThresholdNotMet: 2 of 2 keys must sign, valid: release; not valid: ci ("}},
		{"missing keyless signature", func(_ string, o *VerifyOptions) {
			o.Identities = append(o.Identities, "qa,issuer=x,subject=y")
			o.Requires = []string{"qa"}
		}, "MissingSignature", []string{"signature  qa: not valid (keyless: ", "no signature file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, keys, tr := keylessBundle(t)
			o := VerifyOptions{Dir: dir, Keys: []string{filepath.Join(keys, "release.pub")},
				Identities: []string{ciIdentity}, TrustedRoot: tr}
			tt.mutate(keys, &o)
			r := verifyWith(t, o)
			for _, l := range tt.lines {
				assert.Contains(t, r.stdout, l)
			}
			if tt.reason == "" {
				require.NoError(t, r.err, r.stdout)
				assert.Equal(t, ExitOK, r.code)
				return
			}
			assert.Equal(t, ExitRefused, r.code, r.stdout)
			assert.ErrorIs(t, r.err, bundle.Reason(tt.reason))
			assert.True(t, strings.HasSuffix(r.stdout, "REFUSED    "+tt.reason+"\n"), r.stdout)
		})
	}
}

func TestKeylessOptionErrors(t *testing.T) {
	dir, keys, tr := keylessBundle(t)
	release := filepath.Join(keys, "release.pub")
	tests := []struct {
		name string
		o    VerifyOptions
		msg  string
	}{
		{"no trusted root", VerifyOptions{Identities: []string{ciIdentity}}, "--identity needs --trusted-root"},
		{"trusted root alone", VerifyOptions{Keys: []string{release}, TrustedRoot: tr}, "--trusted-root without --identity"},
		{"unreadable trusted root", VerifyOptions{Identities: []string{ciIdentity}, TrustedRoot: filepath.Join(keys, "none")},
			"Unreadable"},
		{"not a trusted root", VerifyOptions{Identities: []string{ciIdentity}, TrustedRoot: release}, "InvalidKey"},
		{"name both key and identity", VerifyOptions{Keys: []string{release}, TrustedRoot: tr,
			Identities: []string{"release,issuer=" + ciIssuer + ",subject=" + ciSubject}}, "signer release is named twice"},
		{"identity without subject", VerifyOptions{Identities: []string{"ci,issuer=" + ciIssuer}, TrustedRoot: tr},
			"no subject"},
		{"bad identity", VerifyOptions{Identities: []string{"ci,foo=bar"}, TrustedRoot: tr}, "want NAME,issuer=URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Dir = dir
			r := verifyWith(t, tt.o)
			assert.Equal(t, ExitError, r.code, r.stdout)
			assert.ErrorContains(t, r.err, tt.msg)
		})
	}
}

func TestParseIdentity(t *testing.T) {
	tests := []struct {
		arg  string
		want keyless.Identity
		err  string
	}{
		{"ci,issuer=https://i,subject=s@example.com", keyless.Identity{Name: "ci", Issuer: "https://i", Subject: "s@example.com"}, ""},
		{"ci,issuer-regexp=https://(a|b),subject-regexp=x{1,3},y", keyless.Identity{Name: "ci",
			IssuerRegExp: "https://(a|b)", SubjectRegExp: "x{1,3},y"}, ""},
		{"ci,subject=a=b,issuer=i", keyless.Identity{Name: "ci", Issuer: "i", Subject: "a=b"}, ""},
		{"ci", keyless.Identity{Name: "ci"}, ""},
		{"ci,issuer=a,issuer=b", keyless.Identity{}, "issuer given twice"},
		{"ci,https://i", keyless.Identity{}, "want NAME,issuer=URL"},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			got, err := parseIdentity(tt.arg)
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}
