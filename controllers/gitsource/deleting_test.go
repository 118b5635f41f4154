package gitsource_test

import (
	"testing"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

const bundledDPol = `apiVersion: policies.kyverno.io/v1
kind: DeletingPolicy
metadata: {name: dpol-finished}
spec:
  schedule: "@hourly"
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods]}
  conditions:
  - {name: finished, expression: "object.?status.?phase.orValue('') == 'Succeeded'"}
`

// A signed bundle holding a DeletingPolicy beside a ClusterPolicy is applied whole: the cleanup controller finds
// it in the store (Cleanup), with the bundle's provenance (so it keeps no status of its own).
func TestSignedBundleWithDeletingPolicy(t *testing.T) {
	e := newEnv(t)
	repo := e.repo("dpol")
	files := goodPolicies("v1")
	files["dpol.yaml"] = bundledDPol
	repo.publish(bundleSpec{version: 1, policies: files, signers: []string{"release"}})
	got, err := e.reconcile(e.reconciler(), e.source("platform", "dpol", "release"))
	require.NoError(t, err)
	ready := condition(got, meta.ReadyCondition)
	require.NotNil(t, ready)
	require.Equal(t, "True", string(ready.Status), ready.Message)
	snap := e.store.Snapshot()
	require.Len(t, snap.Policies, 2)
	kinds := map[string]string{}
	for _, p := range snap.Policies {
		kinds[p.Key()] = p.Kind
		assert.Equal(t, got.Status.Artifact.Digest, p.Provenance.Digest, p.Key())
		if p.Kind == policiesv1.DeletingPolicyKind {
			require.NotNil(t, p.Cleanup())
			assert.Equal(t, "@hourly", p.Cleanup().Schedule)
			assert.NotEmpty(t, p.Provenance.Source)
		}
	}
	assert.Equal(t, map[string]string{"require-team": "ClusterPolicy", "dpol-finished": policiesv1.DeletingPolicyKind}, kinds)
}
