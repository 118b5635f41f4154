package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

func TestRuleStages(t *testing.T) {
	const (
		validate     = "    validate: {pattern: {metadata: {name: \"?*\"}}}\n"
		verifyImages = "    verifyImages: [{imageReferences: [\"*\"], attestors: [{entries: [{keys: {publicKeys: k}}]}]}]\n"
		manifests    = "    validate: {manifests: {attestors: [{entries: [{keys: {publicKeys: k}}]}]}}\n"
		mutate       = "    mutate: {patchStrategicMerge: {metadata: {labels: {a: b}}}}\n"
		existing     = "    mutate:\n      targets: [{apiVersion: v1, kind: Secret, name: s, namespace: default}]\n" +
			"      patchStrategicMerge: {metadata: {labels: {a: b}}}\n"
		generate = "    generate: {apiVersion: v1, kind: ConfigMap, name: c, namespace: default, data: {data: {a: b}}}\n"
	)
	tests := []struct {
		name, spec, rule string
		want             engine.Stage
	}{
		{"validate runs at admission and in scans", "", validate, engine.StageValidate | engine.StageScan},
		{"validate of a non-background policy runs at admission only", "  background: false\n", validate, engine.StageValidate},
		{"validate of an admission: false policy runs in scans only", "  admission: false\n", validate, engine.StageScan},
		{"verifyImages (not evaluated) validates and is scanned, so its error is seen", "", verifyImages,
			engine.StageValidate | engine.StageScan},
		{"validate.manifests (not evaluated) too", "", manifests, engine.StageValidate | engine.StageScan},
		{"mutate patches at admission", "", mutate, engine.StageMutate},
		{"mutate-existing is recorded for the controller", "", existing, engine.StageTrigger},
		{"generate is recorded for the controller", "", generate, engine.StageTrigger},
		{"generate of an admission: false policy is not recorded", "  admission: false\n", generate, 0},
	}
	all := []engine.Stage{engine.StageMutate, engine.StageValidate, engine.StageTrigger, engine.StageScan}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\n" +
				"  annotations: {pod-policies.kyverno.io/autogen-controllers: none}\nspec:\n" + tt.spec +
				"  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n" + tt.rule
			set := load(t, engine.New(), doc)
			require.Len(t, set.Policies, 1)
			p := set.Policies[0]
			for _, s := range all {
				assert.Equal(t, tt.want&s != 0, p.Rules[0].Runs(s), "rule in stage %d", s)
				assert.Equal(t, tt.want&s != 0, p.Runs(s), "policy in stage %d", s)
			}
			assert.Equal(t, tt.want != 0, len(p.RulesIn(engine.StageMutate|engine.StageValidate|engine.StageTrigger|engine.StageScan)) == 1)
		})
	}
}

func TestUnsupportedRules(t *testing.T) {
	doc := header + "    verifyImages: [{imageReferences: [\"*\"], attestors: [{entries: [{keys: {publicKeys: k}}]}]}]\n" +
		"  - name: ok\n    match: {any: [{resources: {kinds: [Pod]}}]}\n    validate: {deny: {}}\n" +
		"  - name: assert\n    match: {any: [{resources: {kinds: [Pod]}}]}\n    validate: {assert: {object: {}}}\n"
	set := load(t, engine.New(), doc)
	require.Len(t, set.Policies, 1)
	p := set.Policies[0]
	assert.Equal(t, []engine.UnsupportedRule{
		{Rule: "r", Type: "verifyImages", Reason: "rule type verifyImages is not supported by this engine yet"},
		{Rule: "assert", Type: "validate.assert", Reason: "rule type validate.assert is not supported by this engine yet"},
	}, p.Unsupported())

	res := engine.New().Validate(context.Background(), p, engine.NewInput(engine.Request{Object: pod(t, privilegedPod)}), engine.EvalOptions{})
	require.Len(t, res.Rules, 3)
	assert.Equal(t, engine.StatusError, res.Rules[0].Status)
	assert.True(t, res.Rules[0].Unsupported)
	assert.Equal(t, engine.ActionEnforce, res.Rules[0].Action)
	assert.True(t, res.Blocked(), "an Enforce rule's error blocks, as a failure does")
}

func TestVerifyImagesFailureAction(t *testing.T) {
	doc := "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: p\n" +
		"  annotations: {pod-policies.kyverno.io/autogen-controllers: none}\nspec:\n  rules:\n" +
		"  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n" +
		"    verifyImages: [{failureAction: Enforce, imageReferences: [\"*\"], attestors: [{entries: [{keys: {publicKeys: k}}]}]}]\n"
	set := load(t, engine.New(), doc)
	require.Len(t, set.Policies, 1)
	res := engine.New().Validate(context.Background(), set.Policies[0], engine.NewInput(engine.Request{Object: pod(t, privilegedPod)}),
		engine.EvalOptions{})
	require.Len(t, res.Rules, 1)
	assert.Equal(t, engine.ActionEnforce, res.Rules[0].Action, "verifyImages[].failureAction is the rule's action")
	assert.True(t, res.Blocked())
}
