package gitsource_test

import (
	"testing"
	"time"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/controllers/gitsource"
	"github.com/bylaw-dev/bylaw/gitsource/verify"
	"github.com/bylaw-dev/bylaw/tests/bundlerepo"
)

const (
	ciIssuer  = "https://token.actions.githubusercontent.com"
	ciSubject = "https://github.com/example/policies/.github/workflows/bundle.yaml@refs/heads/main"
)

// keylessSource creates a GitSource for repo with the release key and the keyless identity ci, whose trusted root is
// in Secret sigstore-root.
func (e *env) keylessSource(name, repo string, ci v1alpha1.KeylessIdentity, v v1alpha1.BundleVerification) *v1alpha1.GitSource {
	e.t.Helper()
	v.Keys = []v1alpha1.SignerKey{{Name: "release", SecretRef: v1alpha1.SecretKeyReference{Name: "key-release"}}}
	v.Identities = []v1alpha1.KeylessIdentity{ci}
	v.TrustedRootRef = &v1alpha1.SecretKeyReference{Name: "sigstore-root"}
	src := &v1alpha1.GitSource{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: e.namespace},
		Spec: v1alpha1.GitSourceSpec{
			URL: e.git.HTTPAddress() + "/" + repo, Path: "bundle", Interval: metav1.Duration{Duration: time.Minute},
			SecretRef: &v1alpha1.LocalObjectReference{Name: "git-auth"}, Verify: v,
		},
	}
	require.NoError(e.t, e.client.Create(e.ctx, src))
	return src
}

func TestKeylessSignatures(t *testing.T) {
	ciIdentity := v1alpha1.KeylessIdentity{Name: "ci", Issuer: ciIssuer,
		SubjectRegExp: `https://github\.com/example/policies/\.github/workflows/.+`}
	tests := []struct {
		name     string
		identity v1alpha1.KeylessIdentity
		verify   v1alpha1.BundleVerification
		noRoot   bool
		reason   string
		message  string
		signers  []string
	}{
		{name: "key and keyless signers count together", identity: ciIdentity,
			verify: v1alpha1.BundleVerification{Requires: []string{"ci"}, Threshold: 2}, signers: []string{"ci", "release"}},
		{name: "wrong subject", identity: v1alpha1.KeylessIdentity{Name: "ci", Issuer: ciIssuer,
			Subject: "https://github.com/example/other/.github/workflows/bundle.yaml@refs/heads/main"},
			verify: v1alpha1.BundleVerification{Requires: []string{"ci"}}, reason: string(verify.ErrSignatureInvalid),
			message: "wrong subject"},
		{name: "no trusted root", identity: ciIdentity, noRoot: true, reason: gitsource.ReasonKeyUnavailable,
			message: "trusted root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			vs := bundlerepo.NewSigstore(t)
			if !tt.noRoot {
				e.secret("sigstore-root", map[string][]byte{"trusted_root.json": vs.TrustedRootJSON(t)})
			}
			repo := e.repo("keyless")
			repo.publish(bundleSpec{version: 1, policies: goodPolicies("v1"), signers: []string{"release"},
				tamper: vs.SignBundle(t, "ci", ciSubject, ciIssuer)})
			src := e.keylessSource("platform", "keyless", tt.identity, tt.verify)
			got, err := e.reconcile(e.reconciler(), src)
			require.NoError(t, err)
			ready := condition(got, meta.ReadyCondition)
			require.NotNil(t, ready)
			if tt.reason != "" {
				assert.Equal(t, "False", string(ready.Status))
				assert.Equal(t, tt.reason, ready.Reason, ready.Message)
				assert.Contains(t, ready.Message, tt.message)
				assert.Nil(t, got.Status.Artifact)
				assert.Empty(t, e.inForce())
				return
			}
			assert.Equal(t, "True", string(ready.Status), ready.Message)
			require.NotNil(t, got.Status.Artifact)
			assert.Equal(t, tt.signers, got.Status.Artifact.Signers)
			assert.Equal(t, tt.signers, e.store.Snapshot().Policies[0].Provenance.Signers)
		})
	}
}

func TestVerificationNeedsSigners(t *testing.T) {
	e := newEnv(t)
	tests := map[string]struct {
		verify  v1alpha1.BundleVerification
		message string
	}{
		"no keys and no identities": {v1alpha1.BundleVerification{}, "at least one of keys or identities is required"},
		"identities without a trusted root": {v1alpha1.BundleVerification{Identities: []v1alpha1.KeylessIdentity{
			{Name: "ci", Issuer: ciIssuer, Subject: ciSubject}}}, "identities need a trustedRootRef"},
		"identity without a subject": {v1alpha1.BundleVerification{Identities: []v1alpha1.KeylessIdentity{
			{Name: "ci", Issuer: ciIssuer}}, TrustedRootRef: &v1alpha1.SecretKeyReference{Name: "r"}},
			"subject or subjectRegExp is required"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			src := &v1alpha1.GitSource{
				ObjectMeta: metav1.ObjectMeta{GenerateName: "invalid-", Namespace: e.namespace},
				Spec: v1alpha1.GitSourceSpec{URL: "https://example.com/repo", Interval: metav1.Duration{Duration: time.Minute},
					Verify: tt.verify},
			}
			err := e.client.Create(e.ctx, src)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.message)
		})
	}
	ok := &v1alpha1.GitSource{
		ObjectMeta: metav1.ObjectMeta{Name: "keyless-only", Namespace: e.namespace},
		Spec: v1alpha1.GitSourceSpec{URL: "https://example.com/repo", Interval: metav1.Duration{Duration: time.Minute},
			Verify: v1alpha1.BundleVerification{Identities: []v1alpha1.KeylessIdentity{
				{Name: "ci", Issuer: ciIssuer, Subject: ciSubject}}, TrustedRootRef: &v1alpha1.SecretKeyReference{Name: "r"}}},
	}
	require.NoError(t, e.client.Create(e.ctx, ok), "identities alone are enough")
}

func TestTrustedRootChangeVerifiesAgain(t *testing.T) {
	e := newEnv(t)
	vs, other := bundlerepo.NewSigstore(t), bundlerepo.NewSigstore(t)
	e.secret("sigstore-root", map[string][]byte{"trusted_root.json": other.TrustedRootJSON(t)})
	repo := e.repo("rotated")
	repo.publish(bundleSpec{version: 1, policies: goodPolicies("v1"), tamper: vs.SignBundle(t, "ci", ciSubject, ciIssuer)})
	src := e.keylessSource("platform", "rotated", v1alpha1.KeylessIdentity{Name: "ci", Issuer: ciIssuer, Subject: ciSubject},
		v1alpha1.BundleVerification{})
	r := e.reconciler()
	got, err := e.reconcile(r, src)
	require.NoError(t, err)
	ready := condition(got, meta.ReadyCondition)
	require.NotNil(t, ready)
	assert.Equal(t, string(verify.ErrThresholdNotMet), ready.Reason, ready.Message)
	assert.Contains(t, ready.Message, "not trusted")

	var secret corev1.Secret
	require.NoError(t, e.client.Get(e.ctx, types.NamespacedName{Namespace: e.namespace, Name: "sigstore-root"}, &secret))
	secret.Data["trusted_root.json"] = vs.TrustedRootJSON(t)
	require.NoError(t, e.client.Update(e.ctx, &secret))
	got, err = e.reconcile(r, got)
	require.NoError(t, err)
	ready = condition(got, meta.ReadyCondition)
	assert.Equal(t, "True", string(ready.Status), ready.Message)
	assert.Equal(t, []string{"ci"}, got.Status.Artifact.Signers)
	assert.Equal(t, int64(2), r.Verifications.Load(), "the new trusted root is a new input")
}
