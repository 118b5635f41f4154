package v1alpha1

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const validPolicyYAML = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
  validationFailureAction: enforce
  rules:
  - name: r
    match:
      resources:
        kinds: [Pod]
      subjects:
      - kind: User
        name: alice
    exclude:
      any:
      - clusterRoles: [admin]
        resources:
          operations: [DELETE]
    preconditions:
    - key: "{{ request.operation }}"
      operator: Equals
      value: CREATE
    validate:
      deny:
        conditions:
        - key: a
          operator: In
          value: [a, b]
`

func TestStrictDecoding(t *testing.T) {
	tests := []struct {
		name    string
		doc     string
		obj     func() any
		wantErr string
	}{
		{name: "valid legacy forms", doc: validPolicyYAML, obj: func() any { return &ClusterPolicy{} }},
		{name: "misspelled validate field", doc: "spec:\n  rules:\n  - name: r\n    match: {}\n    validate:\n      patern: {}\n", obj: func() any { return &ClusterPolicy{} }, wantErr: `unknown field "spec.rules[0].validate.patern"`},
		{name: "unknown spec field", doc: "spec:\n  auditWarnings: true\n", obj: func() any { return &Policy{} }, wantErr: "unknown field"},
		{name: "field names are case sensitive", doc: "spec:\n  rules:\n  - name: r\n    Match: {}\n", obj: func() any { return &ClusterPolicy{} }, wantErr: "unknown field"},
		{name: "nested foreach is strict", doc: "spec:\n  rules:\n  - name: r\n    match: {}\n    validate:\n      foreach:\n      - list: a\n        foreach:\n        - lst: b\n", obj: func() any { return &ClusterPolicy{} }, wantErr: "unknown field"},
		{name: "exception", doc: "apiVersion: kyverno.io/v2\nkind: PolicyException\nspec:\n  background: false\n  match:\n    any:\n    - resources:\n        kinds: [Pod]\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  podSecurity:\n  - controlName: Capabilities\n    images: ['*']\n", obj: func() any { return &PolicyException{} }},
		{name: "exception unknown field", doc: "spec:\n  exceptions:\n  - policy: p\n", obj: func() any { return &PolicyException{} }, wantErr: "unknown field"},
		{name: "duplicate field", doc: "spec:\n  background: true\n  background: false\n", obj: func() any { return &Policy{} }, wantErr: "converting YAML to JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeStrict([]byte(tt.doc), tt.obj())
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestLegacyFormsDecode(t *testing.T) {
	var policy ClusterPolicy
	_, err := decodeStrict([]byte(validPolicyYAML), &policy)
	require.NoError(t, err)
	spec := policy.GetSpec()
	require.Len(t, spec.Rules, 1)
	rule := &spec.Rules[0]

	assert.True(t, spec.FailureActionFor(rule).IsEnforce())
	assert.Equal(t, []string{"Pod"}, rule.MatchResources.Kinds)
	require.Len(t, rule.MatchResources.Subjects, 1)
	assert.Equal(t, "alice", rule.MatchResources.Subjects[0].Name)
	require.NotNil(t, rule.ExcludeResources)
	assert.Equal(t, []string{"admin"}, rule.ExcludeResources.Any[0].ClusterRoles)
	assert.Equal(t, []AdmissionOperation{Delete}, rule.ExcludeResources.Any[0].Operations)

	pre, err := rule.PreconditionsAnyAll()
	require.NoError(t, err)
	require.Len(t, pre.All, 1)
	assert.Empty(t, pre.Any)
	assert.Equal(t, Equals, pre.All[0].Operator)

	deny, err := rule.Validation.Deny.AnyAllConditions()
	require.NoError(t, err)
	require.Len(t, deny.All, 1)
	assert.Equal(t, In, deny.All[0].Operator)
	assert.JSONEq(t, `["a","b"]`, string(deny.All[0].Value.Raw))
}
