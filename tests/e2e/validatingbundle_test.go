package e2e

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"testing"
	"time"

	"github.com/fluxcd/pkg/gittestserver"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/tests/bundlerepo"
)

const bundledVPol = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: vpol-bundle-app}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: vpolgit}}
  validations:
  - expression: "has(object.metadata.labels) && 'app' in object.metadata.labels"
    message: "label app is required by the bundle"
`

// A ValidatingPolicy from a signed GitSource bundle denies a Pod with its message and the bundle's provenance.
func TestValidatingPolicyFromSignedBundle(t *testing.T) {
	ctx := context.Background()
	namespace(t, "vpolgit")
	srv, err := gittestserver.NewTempGitServer()
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(srv.Root()) })
	srv.Auth("bylaw", "s3cret").AutoCreate()
	require.NoError(t, srv.StartHTTP())
	t.Cleanup(srv.StopHTTP)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(key.Public())
	require.NoError(t, err)
	for name, data := range map[string]map[string][]byte{
		"vpol-git-auth":    {"username": []byte("bylaw"), "password": []byte("s3cret")},
		"vpol-key-release": {"cosign.pub": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})},
	} {
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: bylawNamespace}, Data: data}
		require.NoError(t, env.client.Create(ctx, s))
		t.Cleanup(func() { _ = env.client.Delete(context.Background(), s) })
	}
	repo := bundlerepo.New(t, srv.HTTPAddressWithCredentials()+"/vpol", "prod")
	repo.Publish(bundlerepo.Bundle{Version: 1, Policies: map[string]string{"vpol.yaml": bundledVPol},
		Signers: map[string]crypto.Signer{"release": key}})
	src := &v1alpha1.GitSource{
		ObjectMeta: metav1.ObjectMeta{Name: "vpol-platform", Namespace: bylawNamespace},
		Spec: v1alpha1.GitSourceSpec{URL: srv.HTTPAddress() + "/vpol", Path: "prod",
			Interval: metav1.Duration{Duration: time.Hour}, SecretRef: &v1alpha1.LocalObjectReference{Name: "vpol-git-auth"},
			Verify: v1alpha1.BundleVerification{Keys: []v1alpha1.SignerKey{{Name: "release",
				SecretRef: v1alpha1.SecretKeyReference{Name: "vpol-key-release"}}}}},
	}
	require.NoError(t, env.client.Create(ctx, src))
	t.Cleanup(func() { _ = env.client.Delete(context.Background(), src) })
	eventually(t, admissionWait, "the bundle's ValidatingPolicy is enforced", func() error {
		return deniedWith(createDryRun(pod("vpolgit", "probe", false, nil)), "label app is required by the bundle",
			"vpol-bundle-app (from gitsource/bylaw-system/vpol-platform at main@sha1:", "bundle sha256:")
	})
	require.NoError(t, createDryRun(pod("vpolgit", "probe", false, map[string]string{"app": "a"})))
}
