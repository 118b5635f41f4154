package kyvernotest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// valuesPolicy has two rules reading the same variable, which rule values set differently, and a rule matching
// only the cluster role given by the user info.
const valuesPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: values-policy
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  rules:
  - name: first
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      message: "first sees {{ color }}"
      deny:
        conditions:
          any:
          - {key: "{{ color }}", operator: NotEquals, value: red}
  - name: second
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      message: "second sees {{ color }}"
      deny:
        conditions:
          any:
          - {key: "{{ color }}", operator: NotEquals, value: blue}
  - name: operation
    match:
      any:
      - resources: {kinds: [Pod]}
    validate:
      message: "operation is {{ request.operation }}"
      deny:
        conditions:
          any:
          - {key: "{{ request.operation }}", operator: Equals, value: UPDATE}
  - name: admins-only
    match:
      any:
      - clusterRoles: [cluster-admin]
        resources: {kinds: [Pod]}
    validate:
      message: "admins"
      deny: {}
`

func loadPolicy(t *testing.T, e *engine.Engine, doc string) *engine.Policy {
	t.Helper()
	set := policy.NewLoader(e).LoadBytes("policy.yaml", []byte(doc))
	require.Empty(t, set.Errors)
	require.Len(t, set.Policies, 1)
	return set.Policies[0]
}

func statuses(res engine.PolicyResult) map[string]engine.Status {
	out := map[string]engine.Status{}
	for _, rr := range res.Rules {
		out[rr.Rule] = rr.Status
	}
	return out
}

func TestEvaluatorAppliesValuesPerRuleAndResource(t *testing.T) {
	e := engine.New()
	p := loadPolicy(t, e, valuesPolicy)
	values := &Values{
		GlobalValues: map[string]any{"color": "green"},
		Policies: []PolicyValues{{
			Name:      "values-policy",
			Resources: []ResourceValues{{Name: "updated", Values: map[string]any{"request.operation": "UPDATE"}}},
			Rules: []RuleValues{
				{Name: "first", Values: map[string]any{"color": "red"}},
				{Name: "second", Values: map[string]any{"color": "blue"}},
			},
		}},
	}
	bob := engine.UserInfo{Username: "bob"} // without any user, user filters do not apply (as in a background scan)
	tests := []struct {
		name   string
		values *Values
		user   engine.UserInfo
		pod    string
		want   map[string]engine.Status
	}{
		{"rule values win over global values, per rule", values, bob, "plain",
			map[string]engine.Status{"first": engine.StatusPass, "second": engine.StatusPass, "operation": engine.StatusPass}},
		{"resource values set the operation", values, bob, "updated",
			map[string]engine.Status{"first": engine.StatusPass, "second": engine.StatusPass, "operation": engine.StatusFail}},
		{"global values only", &Values{GlobalValues: map[string]any{"color": "red"}}, bob, "plain",
			map[string]engine.Status{"first": engine.StatusPass, "second": engine.StatusFail, "operation": engine.StatusPass}},
		{"user info selects rules", values, engine.UserInfo{Username: "alice", ClusterRoles: []string{"cluster-admin"}}, "plain",
			map[string]engine.Status{"first": engine.StatusPass, "second": engine.StatusPass, "operation": engine.StatusPass, "admins-only": engine.StatusFail}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := &Evaluator{Engine: e, Values: tt.values, User: tt.user}
			pod := map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": tt.pod, "namespace": "default"}}
			res := ev.Evaluate(t.Context(), p, ev.Prepare(pod))
			assert.Equal(t, tt.want, statuses(res))
			var order []string
			for _, rr := range res.Rules {
				order = append(order, rr.Rule)
			}
			assert.IsIncreasing(t, ruleIndexes(p, order), "results keep the policy's rule order")
		})
	}
}

func ruleIndexes(p *engine.Policy, names []string) []int {
	var out []int
	for _, n := range names {
		for i, r := range p.Rules {
			if r.Name == n {
				out = append(out, i)
			}
		}
	}
	return out
}

func TestDefaultNamespace(t *testing.T) {
	tests := []struct {
		obj  map[string]any
		want any
	}{
		{map[string]any{"kind": "Pod", "metadata": map[string]any{"name": "p"}}, "default"},
		{map[string]any{"kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": "x"}}, "x"},
		{map[string]any{"kind": "Namespace", "metadata": map[string]any{"name": "n"}}, nil},
		{map[string]any{"kind": "ClusterRole", "metadata": map[string]any{"name": "r"}}, nil},
		{map[string]any{"kind": "Widget", "metadata": map[string]any{"name": "w"}}, "default"},
	}
	for _, tt := range tests {
		DefaultNamespace(tt.obj)
		assert.Equal(t, tt.want, tt.obj["metadata"].(map[string]any)["namespace"], tt.obj["kind"])
	}
	DefaultNamespace(map[string]any{"kind": "Pod"}) // no metadata: nothing to do, no panic
}

// A resource that a values file maps to a subresource is matched as Kyverno's CLI matches it: as the parent kind with
// that subresource (Deployment/scale, Pod/exec), while request.kind stays its own kind.
func TestEvaluatorMatchesSubresourcesAsTheirParent(t *testing.T) {
	const doc = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: subresources, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  rules:
  - name: scale
    match: {any: [{resources: {kinds: [apps/v1/Deployment/scale]}}]}
    validate:
      message: "{{ request.kind.kind }} to {{ request.object.spec.replicas }}"
      deny: {conditions: {any: [{key: "{{ request.object.spec.replicas }}", operator: GreaterThan, value: 3}]}}
  - name: exec
    match: {any: [{resources: {kinds: [Pod.exec]}}]}
    validate: {message: "no exec", deny: {}}
`
	e := engine.New()
	p := loadPolicy(t, e, doc)
	values := &Values{Subresources: []Subresource{
		{Subresource: APIResource{Name: "deployments/scale", Group: "autoscaling", Version: "v1", Kind: "Scale"},
			ParentResource: APIResource{Name: "deployments", Group: "apps", Version: "v1", Kind: "Deployment"}},
		{Subresource: APIResource{Name: "pods/exec", Version: "v1", Kind: "PodExecOptions"},
			ParentResource: APIResource{Name: "pods", Version: "v1", Kind: "Pod"}},
	}}
	ev := &Evaluator{Engine: e, Values: values}
	scale := map[string]any{"apiVersion": "autoscaling/v1", "kind": "Scale",
		"metadata": map[string]any{"name": "web", "namespace": "default"}, "spec": map[string]any{"replicas": int64(5)}}
	res := ev.Evaluate(t.Context(), p, ev.Prepare(scale))
	require.Len(t, res.Rules, 1)
	assert.Equal(t, engine.StatusFail, res.Rules[0].Status)
	assert.Contains(t, res.Rules[0].Message, "Scale to 5")

	exec := map[string]any{"apiVersion": "v1", "kind": "PodExecOptions", "metadata": map[string]any{"name": "web"}}
	res = ev.Evaluate(t.Context(), p, ev.Prepare(exec))
	assert.Equal(t, map[string]engine.Status{"exec": engine.StatusFail}, statuses(res))

	plain := &Evaluator{Engine: e}
	res = plain.Evaluate(t.Context(), p, plain.Prepare(scale))
	assert.Empty(t, res.Rules, "without the mapping a Scale is only a Scale")
}
