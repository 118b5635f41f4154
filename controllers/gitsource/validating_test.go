package gitsource_test

import (
	"testing"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
)

const bundledVPol = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: vpol-team}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: "label team is required"
`

const bundledCELException = `apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: legacy, namespace: team-a}
spec:
  policyRefs: [{name: vpol-team, kind: ValidatingPolicy}]
  matchConditions:
  - {name: legacy, expression: "object.metadata.name == 'legacy'"}
`

// A signed bundle holding a ValidatingPolicy and a CEL PolicyException beside a ClusterPolicy is applied whole, with
// the bundle's provenance on every policy.
func TestSignedBundleWithValidatingPolicy(t *testing.T) {
	e := newEnv(t)
	repo := e.repo("vpol")
	files := goodPolicies("v1")
	files["vpol.yaml"] = bundledVPol
	files["exception.yaml"] = bundledCELException
	repo.publish(bundleSpec{version: 1, policies: files, signers: []string{"release"}})
	got, err := e.reconcile(e.reconciler(), e.source("platform", "vpol", "release"))
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
	}
	assert.Equal(t, map[string]string{"require-team": "ClusterPolicy", "vpol-team": policiesv1.ValidatingPolicyKind}, kinds)
	require.Len(t, snap.Exceptions, 1)
	assert.Equal(t, "team-a/legacy", snap.Exceptions[0].Key())
}
