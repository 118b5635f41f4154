package gitsource_test

import (
	"testing"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

const bundledMPol = `apiVersion: policies.kyverno.io/v1
kind: MutatingPolicy
metadata: {name: mpol-team}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'team': 'platform'}}}"
`

const bundledNamespacedMPol = `apiVersion: policies.kyverno.io/v1
kind: NamespacedMutatingPolicy
metadata: {name: mpol-local, namespace: team-a}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
  mutations:
  - patchType: JSONPatch
    jsonPatch:
      expression: "[JSONPatch{op: 'add', path: '/metadata/labels', value: {'local': 'yes'}}]"
`

// A signed bundle holding a MutatingPolicy and a NamespacedMutatingPolicy beside a ClusterPolicy is applied whole,
// with the bundle's provenance on every policy, and the mutating policies run at the mutating webhook.
func TestSignedBundleWithMutatingPolicy(t *testing.T) {
	e := newEnv(t)
	repo := e.repo("mpol")
	files := goodPolicies("v1")
	files["mpol.yaml"] = bundledMPol
	files["nmpol.yaml"] = bundledNamespacedMPol
	repo.publish(bundleSpec{version: 1, policies: files, signers: []string{"release"}})
	got, err := e.reconcile(e.reconciler(), e.source("platform", "mpol", "release"))
	require.NoError(t, err)
	ready := condition(got, meta.ReadyCondition)
	require.NotNil(t, ready)
	require.Equal(t, "True", string(ready.Status), ready.Message)
	snap := e.store.Snapshot()
	kinds := map[string]string{}
	for _, p := range snap.Policies {
		kinds[p.Key()] = p.Kind
		assert.Equal(t, got.Status.Artifact.Digest, p.Provenance.Digest, p.Key())
	}
	assert.Equal(t, map[string]string{"require-team": "ClusterPolicy", "mpol-team": policiesv1.MutatingPolicyKind,
		"team-a/mpol-local": policiesv1.NamespacedMutatingPolicyKind}, kinds)
	for _, p := range snap.Policies {
		if p.Kind != "ClusterPolicy" {
			assert.True(t, p.Mutates(), p.Key())
		}
	}
}
