package e2e

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/fluxcd/pkg/gittestserver"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/tests/bundlerepo"
)

const gitPolicy = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: git-require-app, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  rules:
  - name: app-label
    match: {any: [{resources: {kinds: [Pod], namespaces: [gitns]}}]}
    validate: {message: "%s", pattern: {metadata: {labels: {app: "?*"}}}}
`

// A signed bundle pushed to git is enforced once the push hook fires; a tampered one is refused and the previous
// policies stay enforced.
func TestSignedBundleFromGit(t *testing.T) {
	ctx := context.Background()
	namespace(t, "gitns")
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
		"git-auth":    {"username": []byte("bylaw"), "password": []byte("s3cret")},
		"key-release": {"cosign.pub": pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})},
	} {
		require.NoError(t, env.client.Create(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: bylawNamespace}, Data: data}))
	}
	repo := bundlerepo.New(t, srv.HTTPAddressWithCredentials()+"/policies", "prod")
	signers := map[string]crypto.Signer{"release": key}
	repo.Publish(bundlerepo.Bundle{Version: 1, Policies: map[string]string{"app.yaml": fmt.Sprintf(gitPolicy, "label app is required (v1)")},
		Signers: signers})

	src := &v1alpha1.GitSource{
		ObjectMeta: metav1.ObjectMeta{Name: "platform", Namespace: bylawNamespace},
		Spec: v1alpha1.GitSourceSpec{URL: srv.HTTPAddress() + "/policies", Path: "prod",
			Interval: metav1.Duration{Duration: time.Hour}, SecretRef: &v1alpha1.LocalObjectReference{Name: "git-auth"},
			Verify: v1alpha1.BundleVerification{Keys: []v1alpha1.SignerKey{{Name: "release",
				SecretRef: v1alpha1.SecretKeyReference{Name: "key-release"}}}}},
	}
	require.NoError(t, env.client.Create(ctx, src))
	took := eventually(t, admissionWait, "the bundle's policy is enforced", func() error {
		return deniedWith(createDryRun(pod("gitns", "probe", false, nil)), "label app is required (v1)",
			"from gitsource/bylaw-system/platform at main@sha1:", "bundle sha256:")
	})
	t.Logf("first bundle enforced %s after the GitSource was created", took.Round(time.Millisecond))

	repo.Publish(bundlerepo.Bundle{Version: 2, Policies: map[string]string{"app.yaml": fmt.Sprintf(gitPolicy, "label app is required (v2)")},
		Signers: signers})
	hook(t, "source=bylaw-system/platform")
	took = eventually(t, admissionWait, "version 2 is enforced after the push hook", func() error {
		return deniedWith(createDryRun(pod("gitns", "probe", false, nil)), "(v2)")
	})
	t.Logf("version 2 enforced %s after the push hook (interval is 1 h)", took.Round(time.Millisecond))

	repo.Publish(bundlerepo.Bundle{Version: 3, Policies: map[string]string{"app.yaml": fmt.Sprintf(gitPolicy, "label app is required (v3)")},
		Signers: signers, Tamper: func(dir string) {
			_ = os.WriteFile(filepath.Join(dir, "app.yaml"), []byte(fmt.Sprintf(gitPolicy, "label app is required (v9)")), 0o644)
		}})
	hook(t, "")
	var got v1alpha1.GitSource
	eventually(t, admissionWait, "the tampered bundle is refused", func() error {
		if err := env.client.Get(ctx, client.ObjectKeyFromObject(src), &got); err != nil {
			return err
		}
		c := apimeta.FindStatusCondition(got.Status.Conditions, "SourceVerified")
		if c == nil || c.Status != metav1.ConditionFalse {
			return fmt.Errorf("SourceVerified %+v", c)
		}
		return nil
	})
	c := apimeta.FindStatusCondition(got.Status.Conditions, "SourceVerified")
	require.Equal(t, "DigestMismatch", c.Reason, c.Message)
	require.Equal(t, metav1.ConditionFalse, apimeta.FindStatusCondition(got.Status.Conditions, meta.ReadyCondition).Status)
	require.Equal(t, int64(2), got.Status.Artifact.Version)
	require.NoError(t, deniedWith(createDryRun(pod("gitns", "probe", false, nil)), "(v2)"), "version 2 stays enforced")
	status := scrape(t, "/status")
	require.Contains(t, status, `"source":"gitsource/bylaw-system/platform","revision":"`+got.Status.Artifact.Revision+`"`)
	require.Contains(t, scrape(t, "/metrics"), `bylaw_policy_source_policies{digest="`+got.Status.Artifact.Digest+`"`)
	// The same policy name applied as a cluster object is a conflict: refused, never a silent winner.
	applyYAML(t, fmt.Sprintf(gitPolicy, "a second definition"))
	var clash v1alpha1.ClusterPolicy
	eventually(t, admissionWait, "the clashing ClusterPolicy is refused", func() error {
		if err := env.client.Get(ctx, client.ObjectKey{Name: "git-require-app"}, &clash); err != nil {
			return err
		}
		if c := apimeta.FindStatusCondition(clash.Status.Conditions, meta.ReadyCondition); c == nil || c.Reason != "PolicyConflict" {
			return fmt.Errorf("Ready %+v", c)
		}
		return nil
	})
	require.NoError(t, deniedWith(createDryRun(pod("gitns", "probe", false, nil)), "(v2)"), "the bundle's policy stays in force")
	require.NoError(t, env.client.Delete(ctx, &clash))
	require.NoError(t, env.client.Delete(ctx, src))
	eventually(t, admissionWait, "the source's policies go with it", func() error {
		return createDryRun(pod("gitns", "probe", false, nil))
	})
}

// hook calls the push hook on the webhook port with the token.
func hook(t *testing.T, query string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, env.webhookURL+"/hooks/git?"+query, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+env.hookToken)
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // test client of a local server
	resp, err := c.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)

	bad, err := http.NewRequest(http.MethodPost, env.webhookURL+"/hooks/git", nil)
	require.NoError(t, err)
	bad.Header.Set("Authorization", "Bearer wrong")
	resp, err = c.Do(bad)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}
