package bundle

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/gitsource/bundle"
)

const teamPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  rules:
    - name: check-team
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "a team label is required"
        pattern:
          metadata:
            labels:
              team: "?*"
`

var testNow = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// keyPair writes name.pem (PKCS #8) and name.pub in dir and returns their paths.
func keyPair(t *testing.T, dir, name string) (string, string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	pub, err := x509.MarshalPKIXPublicKey(k.Public())
	require.NoError(t, err)
	priv, pubFile := filepath.Join(dir, name+".pem"), filepath.Join(dir, name+".pub")
	require.NoError(t, os.WriteFile(priv, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(pubFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644))
	return priv, pubFile
}

type result struct {
	code           int
	err            error
	stdout, stderr string
}

func build(t *testing.T, o BuildOptions) result {
	t.Helper()
	var out, errOut bytes.Buffer
	o.Now = clock
	code, err := RunBuild(t.Context(), o, &out, &errOut)
	return result{code, err, out.String(), errOut.String()}
}

func signWith(t *testing.T, o SignOptions) result {
	t.Helper()
	var out, errOut bytes.Buffer
	o.Now = clock
	code, err := RunSign(t.Context(), o, &out, &errOut)
	return result{code, err, out.String(), errOut.String()}
}

func verifyWith(t *testing.T, o VerifyOptions) result {
	t.Helper()
	var out, errOut bytes.Buffer
	if o.Now == nil {
		o.Now = clock
	}
	code, err := RunVerify(t.Context(), o, &out, &errOut)
	return result{code, err, out.String(), errOut.String()}
}

// signedBundle builds a bundle (version 5, expiring in 30 days) signed by release; it returns the folder and the
// key folder (release.pem/.pub, staging.pem/.pub).
func signedBundle(t *testing.T) (string, string) {
	t.Helper()
	dir, keys := t.TempDir(), t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "pods"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "pods", "team.yaml"), []byte(teamPolicy), 0o644))
	r := build(t, BuildOptions{Dir: dir, Name: "platform", Version: 5, Expires: "720h"})
	require.NoError(t, r.err)
	release, _ := keyPair(t, keys, "release")
	keyPair(t, keys, "staging")
	r = signWith(t, SignOptions{Dir: dir, KeyFile: release})
	require.NoError(t, r.err)
	return dir, keys
}

func TestBuildSignVerify(t *testing.T) {
	dir, keys := signedBundle(t)
	manifest, err := os.ReadFile(filepath.Join(dir, "bundle.yaml"))
	require.NoError(t, err)
	digest := bundle.Digest(manifest)
	sig, err := os.ReadFile(filepath.Join(dir, "signatures", "release.sig"))
	require.NoError(t, err)
	assert.NotEmpty(t, sig, "signer named after the key file")

	r := verifyWith(t, VerifyOptions{Dir: dir, Keys: []string{filepath.Join(keys, "release.pub")}, MinVersion: 5, Name: "platform"})
	require.NoError(t, r.err)
	assert.Equal(t, ExitOK, r.code)
	assert.Equal(t, strings.Join([]string{
		"bundle     platform version 5, " + digest,
		"files      ok: 1 files match the manifest",
		"name       ok: platform",
		"expiry     ok: expires 2026-03-31T12:00:00Z",
		"version    ok: 5 >= 5",
		"signature  release: valid (ECDSA P-256)",
		"signers    ok: signed by release",
		"VERIFIED   platform version 5 " + digest + " signed by release",
		""}, "\n"), r.stdout)
}

func TestPromotion(t *testing.T) {
	dir, keys := signedBundle(t)
	o := VerifyOptions{Dir: dir, Keys: []string{"release=" + filepath.Join(keys, "release.pub"),
		"staging-approval=" + filepath.Join(keys, "staging.pub")}, Requires: []string{"release", "staging-approval"}}
	r := verifyWith(t, o)
	assert.Equal(t, ExitRefused, r.code)
	assert.ErrorIs(t, r.err, bundle.Reason("MissingSignature"))
	assert.Contains(t, r.stdout, "signature  staging-approval: not valid (ECDSA P-256): no signature file\n")
	assert.Contains(t, r.stdout, "REFUSED    MissingSignature\n")

	s := signWith(t, SignOptions{Dir: dir, KeyFile: filepath.Join(keys, "staging.pem"), Signer: "staging-approval"})
	require.NoError(t, s.err)
	assert.Contains(t, s.stdout, "as staging-approval: signatures/staging-approval.sig")
	r = verifyWith(t, o)
	require.NoError(t, r.err)
	assert.Contains(t, r.stdout, "signed by release, staging-approval")
}

func TestVerifyRefusals(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, dir, keys string, o *VerifyOptions)
		reason string
		line   string
	}{
		{"file changed", func(t *testing.T, dir, _ string, _ *VerifyOptions) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "pods", "team.yaml"), []byte(strings.ToUpper(teamPolicy)), 0o644))
		}, "DigestMismatch", "files      refused: DigestMismatch: pods/team.yaml"},
		{"extra file", func(t *testing.T, dir, _ string, _ *VerifyOptions) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "pods", "extra.yaml"), []byte(teamPolicy), 0o644))
		}, "ExtraFile", "files      refused: ExtraFile: pods/extra.yaml"},
		{"expired", func(_ *testing.T, _, _ string, o *VerifyOptions) {
			o.Now = func() time.Time { return testNow.Add(31 * 24 * time.Hour) }
		}, "Expired", "expiry     refused: Expired"},
		{"rollback", func(_ *testing.T, _, _ string, o *VerifyOptions) { o.MinVersion = 6 }, "Rollback",
			"version    refused: Rollback: bundle platform version 5 is lower than version 6 in force"},
		{"other name", func(_ *testing.T, _, _ string, o *VerifyOptions) { o.Name = "team-a" }, "NameMismatch",
			"name       refused: NameMismatch"},
		{"wrong key", func(t *testing.T, _, keys string, o *VerifyOptions) {
			o.Keys = []string{"release=" + filepath.Join(keys, "staging.pub")}
		}, "ThresholdNotMet", "signature  release: not valid (ECDSA P-256): signature does not verify"},
		{"threshold", func(_ *testing.T, _, keys string, o *VerifyOptions) {
			o.Keys = append(o.Keys, filepath.Join(keys, "staging.pub"))
			o.Threshold = 2
		}, "ThresholdNotMet", "signers    refused: ThresholdNotMet: 2 of 2 keys must sign, valid: release"},
		{"signature replaced", func(t *testing.T, dir, _ string, _ *VerifyOptions) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "signatures", "release.sig"), []byte("AAAA"), 0o644))
		}, "ThresholdNotMet", "signature  release: not valid (ECDSA P-256): signature does not verify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, keys := signedBundle(t)
			o := VerifyOptions{Dir: dir, Keys: []string{filepath.Join(keys, "release.pub")}}
			tt.mutate(t, dir, keys, &o)
			r := verifyWith(t, o)
			assert.Equal(t, ExitRefused, r.code, r.stdout)
			assert.ErrorIs(t, r.err, bundle.Reason(tt.reason))
			assert.Contains(t, r.stdout, tt.line)
			assert.True(t, strings.HasSuffix(r.stdout, "REFUSED    "+tt.reason+"\n"), r.stdout)
		})
	}
}

func TestKeylessSignaturesWithoutIdentityAreIgnored(t *testing.T) {
	dir, keys := signedBundle(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "signatures", "ci.sigstore.json"), []byte("{}"), 0o644))
	r := verifyWith(t, VerifyOptions{Dir: dir, Keys: []string{filepath.Join(keys, "release.pub")}})
	require.NoError(t, r.err)
	assert.Contains(t, r.stdout, "signature  ci: no key of that name: the keyless signature is ignored (no identity ci)\n")
}

func TestRebuildWarnsAboutStaleSignatures(t *testing.T) {
	dir, keys := signedBundle(t)
	r := build(t, BuildOptions{Dir: dir, Name: "platform", Version: 5, Expires: "720h"})
	require.NoError(t, r.err)
	assert.Empty(t, r.stderr, "same manifest, signatures still valid")

	r = build(t, BuildOptions{Dir: dir, Name: "platform", Version: 6})
	require.NoError(t, r.err)
	assert.Contains(t, r.stdout, "bundle platform version 6, 1 files (1 policy files), sha256:")
	assert.Contains(t, r.stderr, "warning: signatures/release.sig was made over the previous manifest")
	v := verifyWith(t, VerifyOptions{Dir: dir, Keys: []string{filepath.Join(keys, "release.pub")}})
	assert.ErrorIs(t, v.err, bundle.Reason("ThresholdNotMet"))
}

func TestSignPasswords(t *testing.T) {
	fixture := filepath.Join("..", "..", "gitsource", "verify", "testdata", "interop", "keys", "p256.key")
	dir, _ := signedBundle(t)

	t.Setenv(PasswordEnv, "bylaw-test")
	r := signWith(t, SignOptions{Dir: dir, KeyFile: fixture})
	require.NoError(t, r.err)
	assert.FileExists(t, filepath.Join(dir, "signatures", "p256.sig"))

	t.Setenv(PasswordEnv, "wrong")
	r = signWith(t, SignOptions{Dir: dir, KeyFile: fixture})
	assert.Equal(t, ExitError, r.code)
	assert.ErrorContains(t, r.err, "wrong password")

	r = signWith(t, SignOptions{Dir: dir, KeyFile: fixture, Password: func() ([]byte, error) { return []byte("bylaw-test"), nil }})
	require.NoError(t, r.err, "an injected password function wins")

	require.NoError(t, os.Unsetenv(PasswordEnv))
	pr, pw, err := os.Pipe()
	require.NoError(t, err)
	defer pr.Close()
	defer pw.Close()
	r = signWith(t, SignOptions{Dir: dir, KeyFile: fixture, Stdin: pr})
	assert.Equal(t, ExitError, r.code)
	assert.ErrorContains(t, r.err, "set COSIGN_PASSWORD or run in a terminal")
}

func TestOptionErrors(t *testing.T) {
	dir, keys := signedBundle(t)
	release := filepath.Join(keys, "release.pem")
	tests := []struct {
		name string
		run  func() result
		code int
		msg  string
	}{
		{"bad expiry", func() result { return build(t, BuildOptions{Dir: dir, Name: "p", Version: 1, Expires: "soon"}) },
			ExitError, "--expires"},
		{"zero version", func() result { return build(t, BuildOptions{Dir: dir, Name: "p"}) }, ExitRefused, "InvalidManifest"},
		{"no folder", func() result { return build(t, BuildOptions{Dir: filepath.Join(dir, "none"), Name: "p", Version: 1}) },
			ExitRefused, "Unreadable"},
		{"no key file", func() result { return signWith(t, SignOptions{Dir: dir, KeyFile: filepath.Join(keys, "none.pem")}) },
			ExitError, "--key"},
		{"bad signer name", func() result { return signWith(t, SignOptions{Dir: dir, KeyFile: release, Signer: "Release"}) },
			ExitError, "set --signer"},
		{"keyless signer exists", func() result {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "signatures", "ci.sigstore.json"), []byte("{}"), 0o644))
			defer os.Remove(filepath.Join(dir, "signatures", "ci.sigstore.json"))
			return signWith(t, SignOptions{Dir: dir, KeyFile: release, Signer: "ci"})
		}, ExitError, "keyless signature"},
		{"public key as private", func() result { return signWith(t, SignOptions{Dir: dir, KeyFile: filepath.Join(keys, "release.pub")}) },
			ExitError, "not a private key"},
		{"verify without keys", func() result { return verifyWith(t, VerifyOptions{Dir: dir}) }, ExitError, "no --key or --identity"},
		{"verify with a private key", func() result { return verifyWith(t, VerifyOptions{Dir: dir, Keys: []string{release}}) },
			ExitError, "not a public key"},
		{"unknown required signer", func() result {
			return verifyWith(t, VerifyOptions{Dir: dir, Keys: []string{filepath.Join(keys, "release.pub")}, Requires: []string{"qa"}})
		}, ExitError, "InvalidRequirement"},
		{"same key twice", func() result {
			return verifyWith(t, VerifyOptions{Dir: dir, Keys: []string{filepath.Join(keys, "release.pub"), "b=" + filepath.Join(keys, "release.pub")}})
		}, ExitError, "same public key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.run()
			assert.Equal(t, tt.code, r.code)
			assert.ErrorContains(t, r.err, tt.msg)
		})
	}
}

func TestSignRefusesABrokenOrExpiredBundle(t *testing.T) {
	dir, keys := signedBundle(t)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "new.yaml"), []byte(teamPolicy), 0o644))
	r := signWith(t, SignOptions{Dir: dir, KeyFile: filepath.Join(keys, "staging.pem")})
	assert.Equal(t, ExitRefused, r.code)
	assert.ErrorIs(t, r.err, bundle.ErrExtraFile)
	require.NoError(t, os.Remove(filepath.Join(dir, "new.yaml")))

	var out, errOut bytes.Buffer
	code, err := RunSign(t.Context(), SignOptions{Dir: dir, KeyFile: filepath.Join(keys, "staging.pem"),
		Now: func() time.Time { return testNow.Add(365 * 24 * time.Hour) }}, &out, &errOut)
	assert.Equal(t, ExitRefused, code)
	assert.ErrorIs(t, err, bundle.ErrExpired)
	assert.NoFileExists(t, filepath.Join(dir, "signatures", "staging.sig"))
}

func TestParseExpiry(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want string
		err  bool
	}{
		{"", "", false},
		{"2027-02-03T04:05:06Z", "2027-02-03T04:05:06Z", false},
		{"2027-02-03T05:05:06+01:00", "2027-02-03T04:05:06Z", false},
		{"48h", "2026-01-03T00:00:00Z", false},
		{"-1h", "", true},
		{"tomorrow", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseExpiry(tt.in, at)
			if tt.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			if tt.want == "" {
				assert.Nil(t, got)
				return
			}
			assert.Equal(t, tt.want, got.UTC().Format(time.RFC3339))
		})
	}
}
