package engine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// mpol returns a MutatingPolicy document of kind on Pods with the given spec lines appended (two-space indented).
func mpol(kind, name, extra string) string {
	return `apiVersion: policies.kyverno.io/v1
kind: ` + kind + `
metadata: {name: ` + name + `, namespace: team}
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [pods]
` + extra
}

const (
	addLabel = `  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'team': 'a'}}}"
`
	pullAlways = `  mutations:
  - patchType: JSONPatch
    jsonPatch:
      expression: >-
        object.spec.containers.map(c, JSONPatch{op: 'add',
          path: '/spec/containers/' + string(object.spec.containers.indexOf(c)) + '/imagePullPolicy', value: 'Always'})
`
	broken = `  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'x': object.metadata.labels.missing}}}"
`
)

// selecting returns a MutatingPolicy adding a label to the Pods a selector line of matchConstraints selects.
func selecting(selector string) string {
	return `apiVersion: policies.kyverno.io/v1
kind: MutatingPolicy
metadata: {name: m}
spec:
  matchConstraints:
    ` + selector + `
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
` + addLabel
}

func mutateOne(t *testing.T, doc string, req engine.Request) engine.MutateResult {
	t.Helper()
	e := engine.New()
	set := load(t, e, doc)
	require.Len(t, set.Policies, 1)
	return e.Mutate(t.Context(), set.Policies[0], engine.NewInput(req), engine.EvalOptions{Exceptions: set.Exceptions})
}

func labelsOf(obj map[string]any) map[string]any {
	labels, _ := obj["metadata"].(map[string]any)["labels"].(map[string]any)
	return labels
}

func TestMutatingPolicyMutate(t *testing.T) {
	pod := podIn("team", "web", "nginx")
	labelled := podIn("team", "web", "nginx")
	labelled["metadata"].(map[string]any)["labels"] = map[string]any{"team": "a"}
	pulled := podIn("team", "web", "nginx")
	pulled["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)["imagePullPolicy"] = "Always"
	cases := []struct {
		name        string
		doc         string
		req         engine.Request
		wantStatus  engine.Status // "" when the policy gives no result
		wantMessage string
		wantPatched map[string]any
	}{
		{"ApplyConfiguration patches", mpol("MutatingPolicy", "m", addLabel), engine.Request{Object: pod},
			engine.StatusPass, "mutated Pod/web", labelled},
		{"JSONPatch patches", mpol("MutatingPolicy", "m", pullAlways), engine.Request{Object: pod},
			engine.StatusPass, "mutated Pod/web", pulled},
		{"already in shape: pass, no patch", mpol("MutatingPolicy", "m", addLabel), engine.Request{Object: labelled},
			engine.StatusPass, "mutated Pod/web", nil},
		{"another kind is not selected", mpol("MutatingPolicy", "m", addLabel),
			engine.Request{Object: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "s"}}}, "", "", nil},
		{"a DELETE is not mutated", mpol("MutatingPolicy", "m", addLabel), engine.Request{Operation: engine.OperationDelete, OldObject: pod}, "", "", nil},
		{"matchConditions false: not applied", mpol("MutatingPolicy", "m", addLabel+`  matchConditions:
  - {name: only-db, expression: "object.metadata.name == 'db'"}
`), engine.Request{Object: pod}, "", "", nil},
		{"matchConditions read variables", mpol("MutatingPolicy", "m", addLabel+`  variables:
  - {name: isWeb, expression: "object.metadata.name == 'web'"}
  matchConditions:
  - {name: web, expression: "variables.isWeb"}
`), engine.Request{Object: pod}, engine.StatusPass, "mutated Pod/web", labelled},
		{"evaluation error under Fail: an error result naming the mutation", mpol("MutatingPolicy", "m", broken),
			engine.Request{Object: pod}, engine.StatusError, "mutations[0]: expression", nil},
		{"evaluation error under Ignore: not applied", mpol("MutatingPolicy", "m", broken+"  failurePolicy: Ignore\n"),
			engine.Request{Object: pod}, "", "", nil},
		{"namespaced policy: its own namespace", mpol("NamespacedMutatingPolicy", "m", addLabel), engine.Request{Object: pod},
			engine.StatusPass, "mutated Pod/web", labelled},
		{"namespaced policy: not another namespace", mpol("NamespacedMutatingPolicy", "m", addLabel),
			engine.Request{Object: podIn("other", "web", "nginx")}, "", "", nil},
		{"objectSelector", selecting("objectSelector: {matchLabels: {inject: 'yes'}}"), engine.Request{Object: pod}, "", "", nil},
		{"namespaceSelector", selecting("namespaceSelector: {matchLabels: {env: prod}}"),
			engine.Request{Object: pod, NamespaceLabels: map[string]string{"env": "prod"}}, engine.StatusPass, "mutated Pod/web", labelled},
		{"namespaceSelector not matching", selecting("namespaceSelector: {matchLabels: {env: prod}}"),
			engine.Request{Object: pod, NamespaceLabels: map[string]string{"env": "dev"}}, "", "", nil},
		{"exception: skipped, not patched", mpol("MutatingPolicy", "m", addLabel) + `---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: x, namespace: team}
spec:
  policyRefs: [{name: m, kind: MutatingPolicy}]
  matchConditions:
  - {name: web, expression: "object.metadata.name == 'web'"}
`, engine.Request{Object: pod}, engine.StatusSkip, "rule is skipped due to policy exception team/x", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := mutateOne(t, tc.doc, tc.req)
			if tc.wantStatus == "" {
				assert.Empty(t, res.Rules)
				assert.Nil(t, res.Patched)
				return
			}
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tc.wantStatus, res.Rules[0].Status)
			assert.Contains(t, res.Rules[0].Message, tc.wantMessage)
			assert.Equal(t, engine.RuleMutate, res.Rules[0].Type)
			assert.Equal(t, tc.wantPatched, res.Patched)
		})
	}
}

func TestMutatingPolicyMutationsSeePreviousResult(t *testing.T) {
	doc := mpol("MutatingPolicy", "m", `  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'step': '1'}}}"
  - patchType: JSONPatch
    jsonPatch:
      expression: "[JSONPatch{op: 'add', path: '/metadata/labels/seen', value: object.metadata.labels.step}]"
`)
	res := mutateOne(t, doc, engine.Request{Object: podIn("team", "web", "nginx")})
	require.Len(t, res.Rules, 1)
	assert.Equal(t, map[string]any{"step": "1", "seen": "1"}, labelsOf(res.Patched))
	in := engine.NewInput(engine.Request{Object: podIn("team", "web", "nginx")})
	ops, err := res.Patches(in)
	require.NoError(t, err)
	assert.NotEmpty(t, ops, "the admission response carries a JSON patch")
}

func TestMutatingPolicyStagesAndWebhook(t *testing.T) {
	e := engine.New()
	set := load(t, e, mpol("MutatingPolicy", "m", addLabel+"  failurePolicy: Ignore\n  webhookConfiguration: {timeoutSeconds: 5}\n"))
	p := set.Policies[0]
	assert.True(t, p.Runs(engine.StageMutate))
	assert.False(t, p.Runs(engine.StageValidate|engine.StageScan|engine.StageTrigger))
	assert.True(t, p.Mutates())
	assert.Equal(t, engine.Webhook{FailurePolicy: "Ignore", TimeoutSeconds: 5}, p.Webhook)
	require.Len(t, p.Rules[0].Scope.Resources, 1)
	assert.Equal(t, []string{"pods"}, p.Rules[0].Scope.Resources[0].Resources)

	off := load(t, e, mpol("MutatingPolicy", "m", addLabel+"  evaluation: {admission: {enabled: false}}\n")).Policies[0]
	assert.False(t, off.Runs(engine.StageMutate), "admission disabled: not at the webhook")

	v := e.Validate(t.Context(), p, engine.NewInput(engine.Request{Object: podIn("team", "web", "nginx")}), engine.EvalOptions{})
	assert.Empty(t, v.Rules, "a MutatingPolicy gives no validation result")
}

func TestMutatingPolicyAutogenPatchesControllers(t *testing.T) {
	deploy := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "d", "namespace": "team"},
		"spec": map[string]any{"template": map[string]any{"metadata": map[string]any{"labels": map[string]any{"app": "d"}},
			"spec": map[string]any{"containers": []any{map[string]any{"name": "a", "image": "nginx"}}}}}}
	doc := mpol("MutatingPolicy", "m", `  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'team': 'a'}}, spec: Object.spec{containers: object.spec.containers.map(c, Object.spec.containers{name: c.name, imagePullPolicy: 'Always'})}}"
`)
	res := mutateOne(t, doc, engine.Request{Object: deploy})
	require.Len(t, res.Rules, 1)
	require.Equal(t, engine.StatusPass, res.Rules[0].Status, res.Rules[0].Message)
	tmpl := res.Patched["spec"].(map[string]any)["template"].(map[string]any)
	assert.Equal(t, map[string]any{"app": "d", "team": "a"}, labelsOf(tmpl))
	c := tmpl["spec"].(map[string]any)["containers"].([]any)[0].(map[string]any)
	assert.Equal(t, "Always", c["imagePullPolicy"])
	assert.Nil(t, labelsOf(res.Patched), "the Deployment's own labels are not touched")

	none := mpol("MutatingPolicy", "m", addLabel+"  autogen: {podControllers: {controllers: []}}\n")
	assert.Empty(t, mutateOne(t, none, engine.Request{Object: deploy}).Rules, "an empty controllers list disables autogen")
}

func TestMutatingPolicyCompileErrors(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"no mutations", mpol("MutatingPolicy", "m", ""), "spec.mutations: at least one mutation is required"},
		{"no match", `apiVersion: policies.kyverno.io/v1
kind: MutatingPolicy
metadata: {name: m}
spec:
` + addLabel, "spec.matchConstraints.resourceRules: required"},
		{"wrong return type", mpol("MutatingPolicy", "m", `  mutations:
  - {patchType: ApplyConfiguration, applyConfiguration: {expression: "'x'"}}
`), "mutations[0].applyConfiguration.expression: compilation failed"},
		{"missing jsonPatch", mpol("MutatingPolicy", "m", `  mutations:
  - {patchType: JSONPatch}
`), "mutations[0].jsonPatch: required for patchType JSONPatch"},
		{"bad patchType", mpol("MutatingPolicy", "m", `  mutations:
  - {patchType: Strategic}
`), `mutations[0].patchType: "Strategic" is not ApplyConfiguration or JSONPatch`},
		{"bad variable", mpol("MutatingPolicy", "m", addLabel+`  variables:
  - {name: v, expression: "object.("}
`), "variables[0].expression (v)"},
		{"bad match condition", mpol("MutatingPolicy", "m", addLabel+`  matchConditions:
  - {name: c, expression: "1"}
`), "matchConditions[0] (c).expression"},
		{"http in a namespaced policy", mpol("NamespacedMutatingPolicy", "m", `  mutations:
  - {patchType: ApplyConfiguration, applyConfiguration: {expression: "http.Get('https://x') == null ? Object{} : Object{}"}}
`), "mutations[0].applyConfiguration.expression"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			set := policy.NewLoader(engine.New()).LoadBytes("m.yaml", []byte(tc.doc))
			require.Len(t, set.Errors, 1)
			assert.Contains(t, set.Errors[0].Error(), tc.want)
			assert.Contains(t, set.Errors[0].Error(), "MutatingPolicy m")
			assert.NotContains(t, set.Errors[0].Error(), "autogen variant", "the variants do not repeat the spec's error")
		})
	}
}
