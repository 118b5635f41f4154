package gitsource_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/controllers/gitsource"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/gitsource/bundle"
	"github.com/bylaw-dev/bylaw/gitsource/fetch"
	"github.com/bylaw-dev/bylaw/policy"
)

func policyDoc(name, message string) string {
	return fmt.Sprintf(`apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: %s, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate: {message: %q, pattern: {metadata: {labels: {team: "?*"}}}}
`, name, message)
}

func goodPolicies(message string) map[string]string {
	return map[string]string{"require-team.yaml": policyDoc("require-team", message)}
}

func (e *env) reconciler() *gitsource.Reconciler {
	return &gitsource.Reconciler{Client: e.client, Fetcher: &fetch.Fetcher{}, CacheDir: e.t.TempDir(),
		Loader: policy.NewLoader(engine.New()), Store: e.store}
}

func (e *env) reconcile(r *gitsource.Reconciler, src *v1alpha1.GitSource) (*v1alpha1.GitSource, error) {
	e.t.Helper()
	key := types.NamespacedName{Namespace: src.Namespace, Name: src.Name}
	_, err := r.Reconcile(e.ctx, ctrl.Request{NamespacedName: key})
	got := &v1alpha1.GitSource{}
	require.NoError(e.t, e.client.Get(e.ctx, key, got))
	return got, err
}

// inForce returns the messages of the policies the store holds, by key.
func (e *env) inForce() map[string]string {
	out := map[string]string{}
	for _, p := range e.store.Snapshot().Policies {
		out[p.Key()] = p.Provenance.Revision
	}
	return out
}

func condition(src *v1alpha1.GitSource, t string) *metav1Condition {
	return apimeta.FindStatusCondition(src.Status.Conditions, t)
}

func TestSignedBundleIsApplied(t *testing.T) {
	e := newEnv(t)
	repo := e.repo("good")
	repo.publish(bundleSpec{version: 1, policies: goodPolicies("v1"), signers: []string{"release"}})
	src := e.source("platform", "good", "release")
	r := e.reconciler()
	got, err := e.reconcile(r, src)
	require.NoError(t, err)
	ready := condition(got, meta.ReadyCondition)
	require.NotNil(t, ready)
	assert.Equal(t, "True", string(ready.Status), ready.Message)
	assert.Equal(t, "True", string(condition(got, gitsource.SourceVerifiedCondition).Status))
	require.NotNil(t, got.Status.Artifact)
	assert.Equal(t, int64(1), got.Status.Artifact.Version)
	assert.Equal(t, []string{"release"}, got.Status.Artifact.Signers)
	assert.True(t, strings.HasPrefix(got.Status.Artifact.Revision, "main@sha1:"), got.Status.Artifact.Revision)
	assert.Equal(t, int64(1), got.Status.HighestVersion)
	assert.Equal(t, got.Generation, got.Status.ObservedGeneration)

	snap := e.store.Snapshot()
	require.Len(t, snap.Policies, 1)
	p := snap.Policies[0]
	assert.Equal(t, "require-team", p.Key())
	assert.Equal(t, engine.Provenance{Source: "gitsource/" + e.namespace + "/platform", Revision: got.Status.Artifact.Revision,
		Digest: got.Status.Artifact.Digest, Signers: []string{"release"}}, p.Provenance)

	_, err = e.reconcile(r, got)
	require.NoError(t, err)
	assert.Equal(t, int64(1), r.Verifications.Load(), "an unchanged revision is not verified again")

	repo.publish(bundleSpec{version: 2, policies: goodPolicies("v2"), signers: []string{"release"}})
	got, err = e.reconcile(r, got)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Status.Artifact.Version)
	assert.Equal(t, int64(2), r.Verifications.Load())
}

func TestPromotionBySignature(t *testing.T) {
	e := newEnv(t)
	repo := e.repo("promote")
	repo.publish(bundleSpec{version: 3, policies: goodPolicies("v3"), signers: []string{"release"}})
	src := e.source("production", "promote", "release", "staging-approval")
	r := e.reconciler()
	got, err := e.reconcile(r, src)
	require.NoError(t, err)
	verified := condition(got, gitsource.SourceVerifiedCondition)
	require.NotNil(t, verified)
	assert.Equal(t, "False", string(verified.Status))
	assert.Equal(t, string(verifyMissingSignature), verified.Reason)
	assert.Contains(t, verified.Message, "staging-approval")
	assert.Empty(t, e.store.Snapshot().Policies, "not applied with only the release signature")

	// The approver signs the same bundle: only a signature file is added.
	repo.Sign(repo.Manifest(), "staging-approval", e.keys["staging-approval"])
	repo.Push("staging approval")
	got, err = e.reconcile(r, got)
	require.NoError(t, err)
	assert.Equal(t, "True", string(condition(got, meta.ReadyCondition).Status), condition(got, meta.ReadyCondition).Message)
	assert.Equal(t, []string{"release", "staging-approval"}, got.Status.Artifact.Signers)
	assert.Len(t, e.store.Snapshot().Policies, 1)
}

func TestGitServerDown(t *testing.T) {
	e := newEnv(t)
	repo := e.repo("flaky")
	repo.publish(bundleSpec{version: 1, policies: goodPolicies("v1"), signers: []string{"release"}})
	src := e.source("flaky", "flaky", "release")
	r := e.reconciler()
	e.store.MarkReady()
	e.store.Wait(gitsource.SourceName(types.NamespacedName{Namespace: src.Namespace, Name: src.Name}))
	require.False(t, e.store.Ready(), "readiness waits for the source's first load")
	got, err := e.reconcile(r, src)
	require.NoError(t, err)
	require.True(t, e.store.Ready(), "the first reconcile ends the wait")
	before := e.inForce()

	e.down.Store(true)
	repo.publish(bundleSpec{version: 2, policies: goodPolicies("v2"), signers: []string{"release"}})
	got, err = e.reconcile(r, got)
	require.Error(t, err, "a failed fetch is returned, so the controller retries it with backoff")
	failed := condition(got, gitsource.FetchFailedCondition)
	require.NotNil(t, failed)
	assert.Equal(t, "True", string(failed.Status), failed.Message)
	t.Logf("FetchFailed: %s: %s", failed.Reason, failed.Message)
	assert.Contains(t, condition(got, meta.ReadyCondition).Message, "stays in force")
	assert.Equal(t, before, e.inForce(), "the last good set stays")

	e.down.Store(false)
	got, err = e.reconcile(r, got)
	require.NoError(t, err)
	assert.Nil(t, condition(got, gitsource.FetchFailedCondition))
	assert.Equal(t, "True", string(condition(got, meta.ReadyCondition).Status))
	assert.Equal(t, int64(2), got.Status.Artifact.Version, "the bundle pushed while the server was down is applied")
}

// Every refusal leaves the bundle in force, the store and the applied version unchanged, and names the reason.
func TestBadBundles(t *testing.T) {
	past := time.Now().Add(-time.Minute)
	write := func(rel, content string) func(string) {
		return func(dir string) { _ = os.WriteFile(filepath.Join(dir, rel), []byte(content), 0o644) }
	}
	tests := []struct {
		name   string
		bundle bundleSpec
		limits bundle.Limits
		reason string
	}{
		{name: "tampered file", reason: "DigestMismatch", bundle: bundleSpec{version: 5, signers: []string{"release"},
			tamper: write("require-team.yaml", policyDoc("require-team", "v9"))}},
		{name: "extra file", reason: "ExtraFile", bundle: bundleSpec{version: 5, signers: []string{"release"},
			tamper: write("extra.yaml", policyDoc("extra", "x"))}},
		{name: "missing file", reason: "MissingFile", bundle: bundleSpec{version: 5, signers: []string{"release"},
			tamper: func(dir string) { _ = os.Remove(filepath.Join(dir, "require-team.yaml")) }}},
		{name: "unsigned", reason: "MissingSignature", bundle: bundleSpec{version: 5}},
		{name: "signed by an unknown key", reason: "SignatureInvalid", bundle: bundleSpec{version: 5, signers: []string{"intruder:release"}}},
		{name: "signature of another manifest", reason: "SignatureInvalid", bundle: bundleSpec{version: 5, signers: []string{"release"},
			tamper: func(dir string) {
				data, _ := os.ReadFile(filepath.Join(dir, "bundle.yaml"))
				_ = os.WriteFile(filepath.Join(dir, "bundle.yaml"), []byte(strings.Replace(string(data), "version: 5", "version: 6", 1)), 0o644)
			}}},
		{name: "lower version", reason: "Rollback", bundle: bundleSpec{version: 3, signers: []string{"release"}}},
		{name: "same version, other content", reason: gitsource.ReasonVersionReused, bundle: bundleSpec{version: 4,
			signers: []string{"release"}, policies: goodPolicies("changed without a new version")}},
		{name: "expired", reason: "Expired", bundle: bundleSpec{version: 5, expires: &past, signers: []string{"release"}}},
		{name: "invalid policy", reason: "InvalidPolicy", bundle: bundleSpec{version: 5, signers: []string{"release"},
			policies: map[string]string{"require-team.yaml": policyDoc("require-team", "ok"),
				"broken.yaml": "apiVersion: bylaw.dev/v1alpha1\nkind: ClusterPolicy\nmetadata: {name: broken}\nspec: {rules: [{name: r, match: {any: [{resources: {kinds: [Pod]}}]}, validate: {deny: {conditions: {any: [{key: '{{ a(( }}', operator: Equals, value: x}]}}}}]}\n"},
			tamper: nil}},
		{name: "symlink", reason: "Symlink", bundle: bundleSpec{version: 5, signers: []string{"release"},
			tamper: func(dir string) { _ = os.Symlink("/etc/passwd", filepath.Join(dir, "link.yaml")) }}},
		{name: "oversized file", reason: "TooLarge", limits: bundle.Limits{MaxFileBytes: 300},
			bundle: bundleSpec{version: 5, signers: []string{"release"}, policies: map[string]string{
				"require-team.yaml": policyDoc("require-team", strings.Repeat("x", 400))}}},
		{name: "not a manifest", reason: "InvalidManifest", bundle: bundleSpec{version: 5, signers: []string{"release"},
			tamper: write("bundle.yaml", "this: is not: a manifest\n")}},
		{name: "policy supplied by another source", reason: gitsource.ReasonPolicyConflict, bundle: bundleSpec{version: 5,
			signers: []string{"release"}, policies: map[string]string{"require-team.yaml": policyDoc("require-team", "v5"),
				"owned-elsewhere.yaml": policyDoc("owned-elsewhere", "x")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.store.SetPolicy("cluster", compiledPolicy(t, "owned-elsewhere"))
			repo := e.repo("matrix")
			repo.publish(bundleSpec{version: 4, policies: goodPolicies("v4"), signers: []string{"release"}})
			src := e.source("matrix", "matrix", "release")
			r := e.reconciler()
			got, err := e.reconcile(r, src)
			require.NoError(t, err)
			require.Equal(t, int64(4), got.Status.Artifact.Version)
			before, beforeRevision := e.store.Snapshot(), got.Status.Artifact.Revision

			if tt.bundle.policies == nil {
				tt.bundle.policies = goodPolicies("v4")
			}
			if tt.name == "invalid policy" {
				publishInvalid(t, repo, tt.bundle)
			} else {
				repo.publish(tt.bundle)
			}
			r.Limits = tt.limits
			got, err = e.reconcile(r, got)
			require.NoError(t, err)
			verified := condition(got, gitsource.SourceVerifiedCondition)
			require.NotNil(t, verified)
			assert.Equal(t, "False", string(verified.Status), verified.Message)
			assert.Equal(t, tt.reason, verified.Reason, verified.Message)
			assert.Contains(t, verified.Message, "stays in force")
			assert.Equal(t, "True", string(condition(got, meta.StalledCondition).Status))
			assert.Same(t, before, e.store.Snapshot(), "the store is unchanged")
			assert.Equal(t, beforeRevision, got.Status.Artifact.Revision)
			assert.Equal(t, int64(4), got.Status.HighestVersion)
			t.Logf("%s: %s", verified.Reason, verified.Message)
		})
	}
}

func TestCommitSignature(t *testing.T) {
	e := newEnv(t)
	signer, err := openpgp.NewEntity("CI", "", "ci@example.com", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	require.NoError(t, err)
	var armored bytes.Buffer
	w, err := armor.Encode(&armored, openpgp.PublicKeyType, nil)
	require.NoError(t, err)
	require.NoError(t, signer.Serialize(w))
	require.NoError(t, w.Close())
	e.secret("commit-keys", map[string][]byte{"ci.asc": armored.Bytes()})

	repo := e.repo("signed-commits")
	repo.publish(bundleSpec{version: 1, policies: goodPolicies("v1"), signers: []string{"release"}})
	src := e.source("signed", "signed-commits", "release")
	src.Spec.Verify.Commit = &v1alpha1.CommitVerification{Mode: "HEAD", SecretRef: v1alpha1.LocalObjectReference{Name: "commit-keys"}}
	require.NoError(t, e.client.Update(e.ctx, src))
	r := e.reconciler()
	got, err := e.reconcile(r, src)
	require.NoError(t, err)
	verified := condition(got, gitsource.SourceVerifiedCondition)
	assert.Equal(t, "False", string(verified.Status), "an unsigned commit is refused")
	assert.Equal(t, "SignatureVerificationFailed", verified.Reason, verified.Message)
	assert.Empty(t, e.store.Snapshot().Policies)

	repo.SignKey = signer
	repo.publish(bundleSpec{version: 2, policies: goodPolicies("v2"), signers: []string{"release"}})
	got, err = e.reconcile(r, got)
	require.NoError(t, err)
	assert.Equal(t, "True", string(condition(got, meta.ReadyCondition).Status), condition(got, meta.ReadyCondition).Message)
	assert.Equal(t, int64(2), got.Status.Artifact.Version)
}

// A signed bundle's PolicyExceptions are loaded whatever namespace they name: the bundle's signers are the admin's
// (--exception-namespaces governs only PolicyException objects of the cluster).
func TestSignedBundleExceptionsInAnyNamespace(t *testing.T) {
	e := newEnv(t)
	repo := e.repo("exceptions")
	files := goodPolicies("v1")
	files["exception.yaml"] = `apiVersion: bylaw.dev/v1alpha1
kind: PolicyException
metadata: {name: legacy, namespace: team-a}
spec:
  match: {any: [{resources: {kinds: [Pod], namespaces: [team-a]}}]}
  exceptions: [{policyName: require-team, ruleNames: [r]}]
`
	repo.publish(bundleSpec{version: 1, policies: files, signers: []string{"release"}})
	got, err := e.reconcile(e.reconciler(), e.source("platform", "exceptions", "release"))
	require.NoError(t, err)
	require.Equal(t, "True", string(condition(got, meta.ReadyCondition).Status), condition(got, meta.ReadyCondition).Message)
	var keys []string
	for _, x := range e.store.Snapshot().Exceptions {
		keys = append(keys, x.Key())
	}
	assert.Equal(t, []string{"team-a/legacy"}, keys)
}
