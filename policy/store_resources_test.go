package policy_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// compiledValidating compiles a ValidatingPolicy selecting resources in groups (JSON lists).
func compiledValidating(t *testing.T, name, groups, resources string) *engine.Policy {
	t.Helper()
	doc := fmt.Sprintf(`apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: %s}
spec:
  autogen: {podControllers: {controllers: []}}
  matchConstraints:
    resourceRules:
    - {apiGroups: %s, apiVersions: ["*"], resources: %s, operations: [CREATE, UPDATE]}
  validations:
  - expression: "true"
`, name, groups, resources)
	set := policy.NewLoader(engine.New()).LoadBytes("t.yaml", []byte(doc))
	require.Empty(t, set.Errors)
	require.Len(t, set.Policies, 1)
	return set.Policies[0]
}

// Resource-scoped policies are found by the request's resource, beside the kind-scoped ones; only wildcard resources
// reach every request.
func TestStoreIndexesResourceRules(t *testing.T) {
	s := policy.NewStore()
	s.SetPolicy("cluster", compiled(t, "kind-pod", "Pod"))
	s.SetPolicy("cluster", compiledValidating(t, "vpol-pods", `[""]`, `["pods"]`))
	s.SetPolicy("cluster", compiledValidating(t, "vpol-exec", `[""]`, `["pods/exec"]`))
	s.SetPolicy("cluster", compiledValidating(t, "vpol-deploy", `["apps"]`, `["deployments", "deployments/scale"]`))
	s.SetPolicy("cluster", compiledValidating(t, "vpol-scale", `["*"]`, `["*/scale"]`))
	snap := s.Snapshot()
	tests := []struct {
		kind, resource string
		want           []string
	}{
		{"Pod", "pods", []string{"kind-pod", "vpol-exec", "vpol-pods", "vpol-scale"}},
		{"Pod", "", []string{"kind-pod", "vpol-exec", "vpol-pods", "vpol-scale"}},
		{"Deployment", "deployments", []string{"vpol-deploy", "vpol-scale"}},
		{"ConfigMap", "configmaps", []string{"vpol-scale"}},
		{"Policy", "policies", []string{"vpol-scale"}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, keys(snap.Candidates(tt.kind, tt.resource)), "%s %s", tt.kind, tt.resource)
	}
}
