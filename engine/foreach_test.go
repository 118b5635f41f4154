package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/engine/jmespath"
)

// A Pod without initContainers or ephemeralContainers, as almost every Pod is.
const plainPod = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
  - name: a
    image: nginx:1.25
`

// TestForeachAbsentList follows Kyverno's substitution rules for lists, preconditions and deny conditions: a validate
// foreach over a list the object lacks has nothing to check; every other evaluation error stays an error.
func TestForeachAbsentList(t *testing.T) {
	tests := []struct {
		name   string
		rule   string
		status engine.Status
		msg    string
	}{
		{name: "validate foreach over absent ephemeralContainers skips", status: engine.StatusSkip,
			msg: `rule skipped: no foreach element applied (list "request.object.spec.ephemeralContainers" is absent)`,
			rule: `    validate:
      foreach:
      - list: request.object.spec.ephemeralContainers
        deny:
          conditions:
            any:
            - {key: "{{ element.image }}", operator: Equals, value: "*:latest"}
`},
		{name: "absent list beside a present one: the present one decides (pass)", status: engine.StatusPass,
			rule: `    validate:
      foreach:
      - list: request.object.spec.ephemeralContainers
        pattern: {image: "!*:latest"}
      - list: request.object.spec.containers
        pattern: {image: "!*:latest"}
`},
		{name: "absent list beside a present one: the present one decides (fail)", status: engine.StatusFail,
			msg: "latest is not allowed",
			rule: `    validate:
      message: latest is not allowed
      foreach:
      - list: request.object.spec.initContainers
        deny: {}
      - list: request.object.spec.containers
        deny: {}
`},
		{name: "nested foreach over an absent element list skips", status: engine.StatusSkip,
			rule: `    validate:
      foreach:
      - list: request.object.spec.containers
        foreach:
        - list: element.ports
          deny:
            conditions:
              any:
              - {key: "{{ element.hostPort }}", operator: GreaterThan, value: 0}
`},
		{name: "a JMESPath function error in the list is an error", status: engine.StatusError, msg: "foreach[0]",
			rule: `    validate:
      foreach:
      - list: "split(request.object.metadata.labels.team || ` + "`1`" + `, ',')"
        deny: {}
`},
		{name: "a scalar list is its only element", status: engine.StatusFail, rule: `    validate:
      foreach:
      - list: request.object.metadata.name
        deny:
          conditions:
            all:
            - {key: "{{ element }}", operator: Equals, value: web}
`},
		{name: "elementScope true on a scalar element is an error", status: engine.StatusError, msg: "elementScope is true",
			rule: `    validate:
      foreach:
      - list: request.object.metadata.name
        elementScope: true
        pattern: {name: web}
`},
		{name: "null elements are skipped", status: engine.StatusSkip, rule: "    validate:\n      foreach:\n" +
			"      - list: \"`[null]`\"\n        deny: {}\n"},
		{name: "a missing key in a precondition is an error, as in Kyverno", status: engine.StatusError,
			msg: `Unknown key "labels"`, rule: `    preconditions:
      all:
      - {key: "{{ request.object.metadata.labels.team }}", operator: Equals, value: a}
    validate:
      deny: {}
`},
		{name: "a missing key in an element precondition is an error", status: engine.StatusError,
			msg: `element 0: preconditions`, rule: `    validate:
      foreach:
      - list: request.object.spec.containers
        preconditions:
          all:
          - {key: "{{ element.securityContext.privileged }}", operator: Equals, value: true}
        deny: {}
`},
		{name: "a missing key in a deny condition is an error", status: engine.StatusError, msg: "deny conditions",
			rule: `    validate:
      deny:
        conditions:
          any:
          - {key: "{{ request.object.spec.hostNetwork }}", operator: Equals, value: true}
`},
	}
	e := engine.New()
	in := engine.NewInput(engine.Request{Object: pod(t, plainPod)})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, e, header+tt.rule)
			res := e.Validate(context.Background(), set.Policies[0], in, engine.EvalOptions{})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.status, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.msg)
		})
	}
}

// TestMutateForeachLists: Kyverno's mutate foreach reports a list it cannot evaluate, an absent one included, as the
// rule's error (its library guards such lists with a precondition); a scalar list is its only element.
func TestMutateForeachLists(t *testing.T) {
	tests := []struct {
		name       string
		rule       string
		status     engine.Status
		msg        string
		annotation string
	}{
		{name: "absent list is an error", status: engine.StatusError, msg: `Unknown key "initContainers"`, rule: `    mutate:
      foreach:
      - list: request.object.spec.initContainers
        patchStrategicMerge:
          metadata: {labels: {seen: "yes"}}
`},
		{name: "guarded absent list skips on the precondition", status: engine.StatusSkip, msg: "preconditions not met",
			rule: `    preconditions:
      all:
      - {key: "{{ request.object.spec.initContainers[] || ` + "`[]`" + ` | length(@) }}", operator: GreaterThan, value: 0}
    mutate:
      foreach:
      - list: request.object.spec.initContainers
        patchStrategicMerge:
          metadata: {labels: {seen: "yes"}}
`},
		{name: "scalar list is its only element", status: engine.StatusPass, annotation: "web", rule: `    mutate:
      foreach:
      - list: request.object.metadata.name
        patchesJson6902: |-
          - op: add
            path: /metadata/annotations
            value: {seen: "{{ element }}"}
`},
	}
	e := engine.New()
	in := engine.NewInput(engine.Request{Object: pod(t, plainPod)})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, e, header+tt.rule)
			res := e.Mutate(context.Background(), set.Policies[0], in, engine.EvalOptions{})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.status, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.msg)
			if tt.annotation != "" {
				require.NotNil(t, res.Patched)
				assert.Equal(t, tt.annotation, res.Patched["metadata"].(map[string]any)["annotations"].(map[string]any)["seen"])
			}
		})
	}
}

// TestForeachBudgetIsNotAbsent: only a missing key makes a list absent. A list whose evaluation runs out of the
// JMESPath step budget (as a crafted object with many elements can make it) stays an error, never a skip.
func TestForeachBudgetIsNotAbsent(t *testing.T) {
	e := engine.New(engine.WithJMESPathOptions(jmespath.WithMaxSteps(3)))
	set := load(t, e, header+`    validate:
      foreach:
      - list: request.object.spec.containers[].name
        deny: {}
`)
	in := engine.NewInput(engine.Request{Object: pod(t, plainPod)})
	res := e.Validate(context.Background(), set.Policies[0], in, engine.EvalOptions{})
	require.Len(t, res.Rules, 1)
	assert.Equal(t, engine.StatusError, res.Rules[0].Status, res.Rules[0].Message)
	assert.Contains(t, res.Rules[0].Message, "budget")
}
