package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

const mapHeader = `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingAdmissionPolicy
metadata: {name: replicas}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
`

// mapParams sets the replicas to the param's data.replicas, unless the param says skip.
const mapParams = mapHeader + `  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConditions:
  - {name: not-skipped, expression: "!has(params.data.skip)"}
  mutations:
  - patchType: JSONPatch
    jsonPatch:
      expression: "[JSONPatch{op: 'replace', path: '/spec/replicas', value: int(params.data.max)}]"
`

const mapPlain = mapHeader + `  variables:
  - {name: tier, expression: "object.metadata.labels.tier"}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{annotations: {'tier': variables.tier}}}"
`

func mapBinding(spec string) string {
	return "---\napiVersion: admissionregistration.k8s.io/v1\nkind: MutatingAdmissionPolicyBinding\n" +
		"metadata: {name: b}\nspec:\n  policyName: replicas\n" + spec
}

func TestMutatingAdmissionPolicyEvaluation(t *testing.T) {
	params := []map[string]any{limits("small", "shop", "2", map[string]any{"size": "s"}),
		limits("big", "shop", "8", map[string]any{"size": "l"}), limits("small", "other", "1", nil),
		{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "paused", "namespace": "shop"},
			"data": map[string]any{"max": "4", "skip": "yes"}}}
	annotated := func(tier string) map[string]any { return map[string]any{"tier": tier} }
	tests := []struct {
		name     string
		docs     string
		obj      map[string]any
		loader   engine.Loader
		nsLabels map[string]string
		status   engine.Status // "": the policy does not apply
		msg      string
		replicas int64          // expected spec.replicas of the patched object (0: not checked)
		annots   map[string]any // expected metadata.annotations of the patched object (nil: not checked)
	}{
		{name: "policy alone, ApplyConfiguration with variables", docs: mapPlain, obj: deployment("shop", 3, "web"),
			status: engine.StatusPass, annots: annotated("web")},
		{name: "binding without matchResources selects what the policy selects", docs: mapPlain + mapBinding(""),
			obj: deployment("shop", 3, "db"), status: engine.StatusPass, annots: annotated("db")},
		{name: "binding matchResources narrows by namespace labels", docs: mapPlain + mapBinding("  matchResources:\n    namespaceSelector: {matchLabels: {env: prod}}\n"),
			obj: deployment("shop", 3, "web"), nsLabels: map[string]string{"env": "test"}},
		{name: "binding matchResources selects by namespace labels", docs: mapPlain + mapBinding("  matchResources:\n    namespaceSelector: {matchLabels: {env: prod}}\n"),
			obj: deployment("shop", 3, "web"), nsLabels: map[string]string{"env": "prod"}, status: engine.StatusPass, annots: annotated("web")},
		{name: "binding excludeResourceRules removes", docs: mapPlain + mapBinding("  matchResources:\n    excludeResourceRules:\n    - {apiGroups: [apps], apiVersions: [v1], operations: ['*'], resources: [deployments]}\n"),
			obj: deployment("shop", 3, "web")},
		{name: "paramRef by name, namespace from the request", docs: mapParams + mapBinding("  paramRef: {name: small, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 5, "web"), loader: paramLoader{objects: params}, status: engine.StatusPass, replicas: 2},
		{name: "paramRef by name in a given namespace", docs: mapParams + mapBinding("  paramRef: {name: small, namespace: other, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 5, "web"), loader: paramLoader{objects: params}, status: engine.StatusPass, replicas: 1},
		{name: "paramRef selector: every param object mutates in turn, match conditions per param",
			docs: mapParams + mapBinding("  paramRef: {selector: {}, parameterNotFoundAction: Deny}\n"),
			obj:  deployment("shop", 5, "web"), loader: paramLoader{objects: params}, status: engine.StatusPass, replicas: 8},
		{name: "match conditions false for every param: not applied", docs: mapParams + mapBinding("  paramRef: {name: paused, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 5, "web"), loader: paramLoader{objects: params}},
		{name: "param not found, Deny", docs: mapParams + mapBinding("  paramRef: {name: none, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 5, "web"), loader: paramLoader{objects: params}, status: engine.StatusError, msg: "no params found for policy binding with Deny parameterNotFoundAction"},
		{name: "param not found, Allow", docs: mapParams + mapBinding("  paramRef: {selector: {matchLabels: {size: xl}}, parameterNotFoundAction: Allow}\n"),
			obj: deployment("shop", 5, "web"), loader: paramLoader{objects: params}, status: engine.StatusSkip, msg: "parameterNotFoundAction Allow"},
		{name: "params without loader is an error", docs: mapParams + mapBinding("  paramRef: {name: small, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 5, "web"), status: engine.StatusError, msg: "no loader"},
		{name: "a loader error under Ignore says the API server admits", docs: mapParams + "  failurePolicy: Ignore\n" + mapBinding("  paramRef: {name: small, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 5, "web"), loader: paramLoader{listErr: errors.New("boom")}, status: engine.StatusError, msg: "failurePolicy Ignore (the API server admits the request): paramRef"},
		{name: "an evaluation error under Fail", docs: mapHeader + "  mutations:\n  - {patchType: ApplyConfiguration, applyConfiguration: {expression: \"Object{spec: Object.spec{replicas: object.spec.nothing}}\"}}\n",
			obj: deployment("shop", 5, "web"), status: engine.StatusError, msg: "nothing"},
		{name: "matchConditions false: not applied", docs: mapPlain + "  matchConditions:\n  - {name: web-only, expression: \"object.metadata.labels.tier == 'web'\"}\n",
			obj: deployment("shop", 5, "db")},
		{name: "a resource the policy does not select", docs: mapPlain, obj: map[string]any{"apiVersion": "v1", "kind": "Pod",
			"metadata": map[string]any{"name": "p", "namespace": "shop", "labels": map[string]any{"tier": "web"}}}},
	}
	e := engine.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.NewLoader(e, policy.WithAdmissionPolicies()).LoadBytes("map.yaml", []byte(tt.docs))
			require.Empty(t, set.Errors)
			require.Len(t, set.Policies, 1)
			p := set.Policies[0]
			assert.Equal(t, engine.MutatingAdmissionPolicyKind, p.Kind)
			assert.True(t, p.Runs(engine.StageMutate))
			in := engine.NewInput(engine.Request{Operation: engine.OperationCreate, Object: tt.obj, NamespaceLabels: tt.nsLabels})
			res := e.Mutate(context.Background(), p, in, engine.EvalOptions{Loader: tt.loader})
			if tt.status == "" {
				assert.Empty(t, res.Rules)
				assert.Nil(t, res.Patched)
				return
			}
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.status, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.msg)
			if tt.replicas != 0 {
				require.NotNil(t, res.Patched)
				assert.EqualValues(t, tt.replicas, res.Patched["spec"].(map[string]any)["replicas"])
			}
			if tt.annots != nil {
				require.NotNil(t, res.Patched)
				assert.Equal(t, tt.annots, res.Patched["metadata"].(map[string]any)["annotations"])
			}
			if tt.status != engine.StatusPass {
				assert.Nil(t, res.Patched)
			}
		})
	}
}

// Each binding is one rule; the bindings mutate in order, each the object the previous one left.
func TestMutatingAdmissionPolicyBindingsChain(t *testing.T) {
	docs := mapParams + mapBinding("  paramRef: {name: big, parameterNotFoundAction: Deny}\n") +
		replaceName(mapBinding("  paramRef: {name: small, parameterNotFoundAction: Deny}\n"), "b", "second")
	e := engine.New()
	set := policy.NewLoader(e, policy.WithAdmissionPolicies()).LoadBytes("map.yaml", []byte(docs))
	require.Empty(t, set.Errors)
	require.Len(t, set.Policies, 1)
	in := engine.NewInput(engine.Request{Operation: engine.OperationCreate, Object: deployment("shop", 5, "web")})
	res := e.Mutate(context.Background(), set.Policies[0], in,
		engine.EvalOptions{Loader: paramLoader{objects: []map[string]any{limits("big", "shop", "8", nil), limits("small", "shop", "2", nil)}}})
	require.Len(t, res.Rules, 2)
	assert.Equal(t, []string{"b", "second"}, []string{res.Rules[0].Rule, res.Rules[1].Rule})
	require.NotNil(t, res.Patched)
	assert.EqualValues(t, 2, res.Patched["spec"].(map[string]any)["replicas"])
}
