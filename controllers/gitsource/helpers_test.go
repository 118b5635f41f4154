package gitsource_test

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
	"github.com/bylaw-dev/bylaw/policy"
)

type metav1Condition = metav1.Condition

const verifyMissingSignature = verify.ErrMissingSignature

func sign(t *testing.T, manifest []byte, key *ecdsa.PrivateKey) []byte {
	t.Helper()
	sig, err := verify.Sign(manifest, key)
	require.NoError(t, err)
	return sig
}

func compiledPolicy(t *testing.T, name string) *engine.Policy {
	t.Helper()
	set := policy.NewLoader(engine.New()).LoadBytes(name+".yaml", []byte(policyDoc(name, "from the cluster")))
	require.Empty(t, set.Errors)
	return set.Policies[0]
}

// publishInvalid publishes a correctly listed and signed bundle with a policy that does not load: bundle.Build would
// refuse it, so the manifest is written here.
func publishInvalid(t *testing.T, r *repo, b bundleSpec) {
	t.Helper()
	dir := r.BundleDir()
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "signatures"), 0o755))
	m := &bundle.Manifest{APIVersion: "bylaw.dev/v1alpha1", Kind: "Bundle", Name: "platform", Version: b.version}
	for _, file := range []string{"broken.yaml", "require-team.yaml"} {
		data := []byte(b.policies[file])
		require.NoError(t, os.WriteFile(filepath.Join(dir, file), data, 0o644))
		sum := sha256.Sum256(data)
		m.Files = append(m.Files, bundle.File{Path: file, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))})
	}
	manifest := bundle.Render(m)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bundle.yaml"), manifest, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "signatures", "release.sig"), sign(t, manifest, r.e.keys["release"]), 0o644))
	r.commitAndPush("invalid policy")
}
