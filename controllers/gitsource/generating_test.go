package gitsource_test

import (
	"testing"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine"
)

const bundledGPol = `apiVersion: policies.kyverno.io/v1
kind: GeneratingPolicy
metadata: {name: gpol-netpol}
spec:
  evaluation: {synchronize: {enabled: true}}
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [namespaces], operations: [CREATE]}
  generate:
  - expression: >-
      generator.Apply(object.metadata.name, [{"apiVersion": dyn("networking.k8s.io/v1"),
        "kind": dyn("NetworkPolicy"), "metadata": dyn({"name": "default-deny"}), "spec": dyn({"podSelector": dyn({})})}])
`

// A signed bundle holding a GeneratingPolicy beside a ClusterPolicy is applied whole, the GeneratingPolicy with the
// bundle's provenance and its generate rule for the generate controller.
func TestSignedBundleWithGeneratingPolicy(t *testing.T) {
	e := newEnv(t)
	repo := e.repo("gpol")
	files := goodPolicies("v1")
	files["gpol.yaml"] = bundledGPol
	repo.publish(bundleSpec{version: 1, policies: files, signers: []string{"release"}})
	got, err := e.reconcile(e.reconciler(), e.source("platform", "gpol", "release"))
	require.NoError(t, err)
	ready := condition(got, meta.ReadyCondition)
	require.NotNil(t, ready)
	require.Equal(t, "True", string(ready.Status), ready.Message)
	var gp *engine.Policy
	for _, p := range e.store.Snapshot().Policies {
		if p.Kind == policiesv1.GeneratingPolicyKind {
			gp = p
		}
	}
	require.NotNil(t, gp)
	assert.Equal(t, got.Status.Artifact.Digest, gp.Provenance.Digest)
	require.Len(t, gp.GenerateRules(), 1)
	assert.True(t, gp.GenerateRules()[0].Synchronize)
	assert.True(t, gp.Runs(engine.StageTrigger))
}
