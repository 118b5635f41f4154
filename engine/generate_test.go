package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

const namespaceTrigger = `apiVersion: v1
kind: Namespace
metadata: {name: team-a, labels: {tier: gold}}
`

func TestGenerate(t *testing.T) {
	tests := []struct {
		name    string
		rule    string
		status  engine.Status
		msg     string
		objects []string // "kind namespace/name"
	}{
		{name: "data", status: engine.StatusPass, objects: []string{"NetworkPolicy team-a/default-deny"}, rule: `    generate:
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      name: default-deny
      namespace: "{{request.object.metadata.name}}"
      synchronize: true
      data:
        spec: {podSelector: {}, policyTypes: [Ingress]}
`},
		{name: "clone", status: engine.StatusPass, objects: []string{"Secret team-a/regcred"}, rule: `    generate:
      apiVersion: v1
      kind: Secret
      name: regcred
      namespace: "{{request.object.metadata.name}}"
      clone: {namespace: default, name: regcred}
`},
		{name: "missing clone source", status: engine.StatusError, msg: "clone source Secret default/nope", rule: `    generate:
      apiVersion: v1
      kind: Secret
      name: nope
      namespace: "{{request.object.metadata.name}}"
      clone: {namespace: default, name: nope}
`},
		{name: "foreach", status: engine.StatusPass, objects: []string{"ConfigMap team-a/cm-a", "ConfigMap team-a/cm-b"}, rule: `    generate:
      foreach:
      - list: "['a', 'b']"
        apiVersion: v1
        kind: ConfigMap
        name: "cm-{{element}}"
        namespace: "{{request.object.metadata.name}}"
        data: {data: {tier: "{{request.object.metadata.labels.tier}}"}}
`},
		{name: "preconditions skip", status: engine.StatusSkip, rule: `    preconditions:
      all:
      - {key: "{{request.object.metadata.labels.tier}}", operator: Equals, value: silver}
    generate:
      apiVersion: v1
      kind: ConfigMap
      name: x
      namespace: "{{request.object.metadata.name}}"
      data: {data: {a: b}}
`},
	}
	e := engine.New()
	in := engine.NewInput(engine.Request{Object: pod(t, namespaceTrigger)})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: g}\nspec:\n  rules:\n  - name: r\n" +
				"    match: {any: [{resources: {kinds: [Namespace]}}]}\n" + tt.rule
			set := load(t, e, doc)
			res := e.Generate(context.Background(), set.Policies[0], in, engine.EvalOptions{Loader: fakeLoader{}})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.status, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.msg)
			var got []string
			for _, g := range res.Objects {
				meta := g.Object["metadata"].(map[string]any)
				got = append(got, g.Object["kind"].(string)+" "+meta["namespace"].(string)+"/"+meta["name"].(string))
			}
			assert.Equal(t, tt.objects, got)
			assert.Empty(t, e.Validate(context.Background(), set.Policies[0], in, engine.EvalOptions{}).Rules,
				"generate rules give no validate result")
		})
	}
}
