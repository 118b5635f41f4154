package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

func TestMutate(t *testing.T) {
	tests := []struct {
		name   string
		rule   string
		status engine.Status
		check  func(t *testing.T, patched map[string]any)
	}{
		{name: "add-if-not-present label", status: engine.StatusPass, rule: `    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(team): "{{ request.object.metadata.namespace }}"
`, check: func(t *testing.T, p map[string]any) {
			assert.Equal(t, "shop", p["metadata"].(map[string]any)["labels"].(map[string]any)["team"])
		}},
		{name: "existing value is kept: skip", status: engine.StatusSkip, rule: `    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(app): other
`},
		{name: "json patch", status: engine.StatusPass, rule: `    mutate:
      patchesJson6902: |-
        - op: add
          path: /metadata/annotations
          value: {checked: "yes"}
`, check: func(t *testing.T, p map[string]any) {
			assert.Equal(t, "yes", p["metadata"].(map[string]any)["annotations"].(map[string]any)["checked"])
		}},
		{name: "foreach json patch with element index", status: engine.StatusPass, rule: `    mutate:
      foreach:
      - list: request.object.spec.containers
        order: Descending
        patchesJson6902: |-
          - op: add
            path: /spec/containers/{{elementIndex}}/imagePullPolicy
            value: Always
`, check: func(t *testing.T, p map[string]any) {
			for _, c := range p["spec"].(map[string]any)["containers"].([]any) {
				assert.Equal(t, "Always", c.(map[string]any)["imagePullPolicy"])
			}
		}},
		{name: "conditional anchor not met: skip", status: engine.StatusSkip, rule: `    mutate:
      patchStrategicMerge:
        spec:
          (hostNetwork): true
          dnsPolicy: ClusterFirstWithHostNet
`},
		{name: "bad json patch: error", status: engine.StatusError, rule: `    mutate:
      patchesJson6902: |-
        - op: replace
          path: /spec/nothing/here
          value: 1
`},
	}
	e := engine.New()
	in := engine.NewInput(engine.Request{Object: pod(t, privilegedPod)})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, e, header+tt.rule)
			res := e.Mutate(context.Background(), set.Policies[0], in, engine.EvalOptions{})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.status, res.Rules[0].Status, res.Rules[0].Message)
			if tt.check != nil {
				require.NotNil(t, res.Patched)
				tt.check(t, res.Patched)
			}
			if tt.status != engine.StatusPass {
				assert.Nil(t, res.Patched)
			}
			ops, err := res.Patches(in)
			require.NoError(t, err)
			assert.Equal(t, tt.status == engine.StatusPass, len(ops) > 0, "JSON patch operations only when patched")
			assert.Equal(t, "web", in.Object()["metadata"].(map[string]any)["name"], "input object untouched")
			_, hasTeam := in.Object()["metadata"].(map[string]any)["labels"].(map[string]any)["team"]
			assert.False(t, hasTeam, "input object untouched")
		})
	}
}

func TestEvaluateValidatesMutatedObject(t *testing.T) {
	e := engine.New()
	set := load(t, e, header+`    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            +(team): shop
  - name: check
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern: {metadata: {labels: {team: "?*"}}}
`)
	res := e.Evaluate(context.Background(), set.Policies[0], engine.NewInput(engine.Request{Object: pod(t, privilegedPod)}), engine.EvalOptions{})
	require.Len(t, res.Rules, 2)
	assert.Equal(t, engine.StatusPass, res.Rules[0].Status)
	assert.Equal(t, engine.StatusPass, res.Rules[1].Status, "validate sees the mutated object")
	require.NotNil(t, res.Patched)
}

func TestMutateExisting(t *testing.T) {
	e := engine.New()
	set := load(t, e, header+`    mutate:
      targets:
      - apiVersion: v1
        kind: ConfigMap
        namespace: "{{ request.object.metadata.namespace }}"
        name: "app-*"
      patchStrategicMerge:
        metadata:
          annotations:
            +(restarted-by): "{{ request.object.metadata.name }}"
            touched: "{{ target.metadata.name }}"
`)
	in := engine.NewInput(engine.Request{Object: pod(t, privilegedPod)})
	res := e.Evaluate(context.Background(), set.Policies[0], in, engine.EvalOptions{Loader: fakeLoader{}})
	require.Len(t, res.Rules, 1)
	assert.Equal(t, engine.StatusPass, res.Rules[0].Status, res.Rules[0].Message)
	assert.Nil(t, res.Patched, "the trigger is not changed")
	require.Len(t, res.PatchedTargets, 2)
	for i, name := range []string{"app-config", "app-secrets"} {
		ann := res.PatchedTargets[i].Object["metadata"].(map[string]any)["annotations"].(map[string]any)
		assert.Equal(t, map[string]any{"restarted-by": "web", "touched": name}, ann)
	}

	noLoader := e.Evaluate(context.Background(), set.Policies[0], in, engine.EvalOptions{})
	require.Len(t, noLoader.Rules, 1)
	assert.Equal(t, engine.StatusError, noLoader.Rules[0].Status)
}
