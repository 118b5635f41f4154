package engine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

func TestRuleScope(t *testing.T) {
	all := []engine.Operation{"CREATE", "UPDATE", "DELETE", "CONNECT"}
	tests := []struct {
		name     string
		rule     string
		mutating bool
		kinds    map[string][]engine.Operation
	}{
		{"validate defaults to every operation", `
  - name: r
    match: {any: [{resources: {kinds: [Pod, apps/v1/Deployment]}}]}
    validate: {pattern: {metadata: {name: "?*"}}}
`, false, map[string][]engine.Operation{"Pod": all, "apps/v1/Deployment": all}},
		{"mutate defaults to create and update", `
  - name: r
    match: {resources: {kinds: [Pod]}}
    mutate: {patchStrategicMerge: {metadata: {labels: {a: b}}}}
`, true, map[string][]engine.Operation{"Pod": {"CREATE", "UPDATE"}}},
		{"operations named by filters are merged", `
  - name: r
    match:
      any:
      - resources: {kinds: [Pod], operations: [CREATE]}
      - resources: {kinds: [Pod, Service], operations: [UPDATE]}
    validate: {deny: {}}
`, false, map[string][]engine.Operation{"Pod": {"CREATE", "UPDATE"}, "Service": {"UPDATE"}}},
		{"exclude of kinds and operations only removes them", `
  - name: r
    match: {any: [{resources: {kinds: [Pod, Service]}}]}
    exclude: {any: [{resources: {operations: [DELETE, CONNECT]}}, {resources: {kinds: [Service]}}]}
    validate: {deny: {}}
`, false, map[string][]engine.Operation{"Pod": {"CREATE", "UPDATE"}}},
		{"exclude with a namespace does not narrow registration", `
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    exclude: {any: [{resources: {kinds: [Pod], namespaces: [dev]}}]}
    validate: {deny: {}}
`, false, map[string][]engine.Operation{"Pod": all}},
		{"mutate existing is served by the validating webhook", `
  - name: r
    match: {any: [{resources: {kinds: [ConfigMap], operations: [CREATE]}}]}
    mutate:
      targets: [{apiVersion: v1, kind: Secret, name: s, namespace: default}]
      patchStrategicMerge: {metadata: {labels: {a: b}}}
`, false, map[string][]engine.Operation{"ConfigMap": {"CREATE"}}},
		{"subresource selectors are parsed once, as the matcher reads them", `
  - name: r
    match: {any: [{resources: {kinds: [Pod.exec, Pod/attach], operations: [CONNECT]}}]}
    validate: {deny: {}}
`, false, map[string][]engine.Operation{"Pod.exec": {"CONNECT"}, "Pod/attach": {"CONNECT"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\n" +
				"  annotations: {pod-policies.kyverno.io/autogen-controllers: none}\nspec:\n  rules:" + tt.rule
			set := load(t, engine.New(), doc)
			require.Len(t, set.Policies, 1)
			r := set.Policies[0].Rules[0]
			assert.Equal(t, tt.mutating, r.Runs(engine.StageMutate))
			got := map[string][]engine.Operation{}
			for _, k := range r.Scope.Kinds {
				got[k.Selector.Raw] = k.Operations
			}
			assert.Equal(t, tt.kinds, got)
		})
	}
}

func TestPolicyWebhookSettings(t *testing.T) {
	tests := []struct {
		name string
		spec string
		want engine.Webhook
	}{
		{"defaults fail closed", "", engine.Webhook{FailurePolicy: "Fail", TimeoutSeconds: 10}},
		{"webhookConfiguration wins", "  failurePolicy: Fail\n  webhookConfiguration: {failurePolicy: Ignore, timeoutSeconds: 3}\n",
			engine.Webhook{FailurePolicy: "Ignore", TimeoutSeconds: 3}},
		{"deprecated fields", "  failurePolicy: Ignore\n  webhookTimeoutSeconds: 30\n",
			engine.Webhook{FailurePolicy: "Ignore", TimeoutSeconds: 30}},
		{"out of range timeout is the default", "  webhookTimeoutSeconds: 90\n", engine.Webhook{FailurePolicy: "Fail", TimeoutSeconds: 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n" + tt.spec +
				"  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n    validate: {deny: {}}\n"
			set := load(t, engine.New(), doc)
			require.Len(t, set.Policies, 1)
			assert.Equal(t, tt.want, set.Policies[0].Webhook)
			assert.True(t, set.Policies[0].Admission)
		})
	}
}

func TestScopeSelectorsAreParsed(t *testing.T) {
	doc := "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\n" +
		"  annotations: {pod-policies.kyverno.io/autogen-controllers: none}\nspec:\n  rules:\n" +
		"  - name: r\n    match: {any: [{resources: {kinds: [Pod.exec, apps/v1/Deployment/scale, \"*\"]}}]}\n" +
		"    validate: {deny: {}}\n"
	set := load(t, engine.New(), doc)
	require.Len(t, set.Policies, 1)
	sels := set.Policies[0].Rules[0].Scope.Selectors()
	require.Len(t, sels, 3)
	assert.Equal(t, "*", sels[0].Raw)
	assert.Equal(t, "", sels[0].ExactKind())
	assert.Equal(t, []string{"Pod", "exec"}, []string{sels[1].ExactKind(), sels[1].Subresource})
	assert.Equal(t, []string{"apps", "v1", "Deployment", "scale"},
		[]string{sels[2].Group, sels[2].Version, sels[2].ExactKind(), sels[2].Subresource})
}
