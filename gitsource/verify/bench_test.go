package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/policy"
)

const benchPolicies = 300

// benchPolicy is a ClusterPolicy with a validate pattern and a deny condition.
func benchPolicy(i int) string {
	return fmt.Sprintf(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: policy-%03d
spec:
  validationFailureAction: Enforce
  rules:
    - name: require-label
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "label team-%03d is required"
        pattern:
          metadata:
            labels:
              team-%03d: "?*"
    - name: deny-host-network
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "host network is not allowed"
        deny:
          conditions:
            any:
              - key: "{{ request.object.spec.hostNetwork || false }}"
                operator: Equals
                value: true
`, i, i, i)
}

// benchBundle writes 300 policies in 10 folders and builds the bundle.
func benchBundle(b *testing.B) string {
	b.Helper()
	dir := b.TempDir()
	for i := range benchPolicies {
		p := filepath.Join(dir, fmt.Sprintf("team-%02d", i%10), fmt.Sprintf("policy-%03d.yaml", i))
		require.NoError(b, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(b, os.WriteFile(p, []byte(benchPolicy(i)), 0o644))
	}
	_, err := bundle.Build(b.Context(), dir, bundle.BuildOptions{Name: "bench", Version: 1, Loader: policy.NewLoader(engine.New())})
	require.NoError(b, err)
	return dir
}

func BenchmarkBuild300(b *testing.B) {
	dir := benchBundle(b)
	loader := policy.NewLoader(engine.New())
	for b.Loop() {
		_, err := bundle.Build(b.Context(), dir, bundle.BuildOptions{Name: "bench", Version: 2, Loader: loader})
		require.NoError(b, err)
	}
}

func BenchmarkSign300(b *testing.B) {
	for _, typ := range []string{"p256", "ed25519", "rsa2048"} {
		b.Run(typ, func(b *testing.B) {
			bu, err := bundle.LoadDir(benchBundle(b), bundle.Limits{})
			require.NoError(b, err)
			k := newKey(b, typ)
			for b.Loop() {
				_, err := Sign(bu.ManifestBytes, k)
				require.NoError(b, err)
			}
		})
	}
}

// BenchmarkLoadAndVerify300 is what the controller does with a fetched bundle: load and check every file, then
// verify two signatures (a promotion requirement).
func BenchmarkLoadAndVerify300(b *testing.B) {
	dir := benchBundle(b)
	release, staging := newKey(b, "p256"), newKey(b, "ed25519")
	first, err := bundle.LoadDir(dir, bundle.Limits{})
	require.NoError(b, err)
	require.NoError(b, os.MkdirAll(filepath.Join(dir, "signatures"), 0o755))
	require.NoError(b, os.WriteFile(filepath.Join(dir, "signatures", "release.sig"), sign(b, first.ManifestBytes, release), 0o644))
	require.NoError(b, os.WriteFile(filepath.Join(dir, "signatures", "staging.sig"), sign(b, first.ManifestBytes, staging), 0o644))
	keys := []Key{{"release", release.Public()}, {"staging", staging.Public()}}
	req := Requirement{Requires: []string{"release", "staging"}}
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			_, err := bundle.LoadDir(dir, bundle.Limits{})
			require.NoError(b, err)
		}
	})
	b.Run("verify", func(b *testing.B) {
		bu, err := bundle.LoadDir(dir, bundle.Limits{})
		require.NoError(b, err)
		for b.Loop() {
			_, err := Verify(bu.ManifestBytes, bu.Signatures, keys, req)
			require.NoError(b, err)
		}
	})
	b.Run("load+verify", func(b *testing.B) {
		for b.Loop() {
			bu, err := bundle.LoadDir(dir, bundle.Limits{})
			require.NoError(b, err)
			_, err = Verify(bu.ManifestBytes, bu.Signatures, keys, req)
			require.NoError(b, err)
		}
	})
}
