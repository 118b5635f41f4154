package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// gpol returns a generating policy document on ConfigMaps with the given spec lines appended.
func gpol(kind, name, extra string) string {
	return `apiVersion: policies.kyverno.io/v1
kind: ` + kind + `
metadata: {name: ` + name + `, namespace: team}
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [configmaps]
` + extra
}

func configMapIn(namespace, name string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": name, "namespace": namespace}, "data": map[string]any{"k": "v"}}
}

// sourceLoader answers resource.Get of the Secret team/source through the API-call path.
type sourceLoader struct{ fakeLoader }

func (sourceLoader) Call(_ context.Context, c engine.APICall) (any, error) {
	if c.URLPath == "/api/v1/namespaces/team/secrets/source" {
		return map[string]any{"apiVersion": "v1", "kind": "Secret",
			"metadata": map[string]any{"name": "source", "namespace": "team", "uid": "s1", "resourceVersion": "7"},
			"data":     map[string]any{"token": "dg=="}}, nil
	}
	return nil, errors.New("not found: " + c.URLPath)
}

func generateOne(t *testing.T, doc string, obj map[string]any, loader engine.Loader) engine.GenerateResult {
	t.Helper()
	e := engine.New()
	set := load(t, e, doc)
	require.Len(t, set.Policies, 1)
	return e.Generate(t.Context(), set.Policies[0], engine.NewInput(engine.Request{Object: obj}),
		engine.EvalOptions{Loader: loader, Exceptions: set.Exceptions})
}

const copyGeneration = `  generate:
  - expression: >-
      generator.Apply(object.metadata.namespace, [{"apiVersion": dyn("v1"), "kind": dyn("ConfigMap"),
        "metadata": dyn({"name": object.metadata.name + "-copy"}), "data": dyn(object.data)}])
`

func TestGeneratingPolicyGenerate(t *testing.T) {
	tests := []struct {
		name       string
		doc        string
		obj        map[string]any
		wantStatus engine.Status // "" when the policy gives no result
		wantMsg    string
		wantNames  []string // namespace/name of the generated objects
	}{
		{"expression", gpol("GeneratingPolicy", "g", copyGeneration), configMapIn("shop", "a"), engine.StatusPass,
			"generated 1 object(s)", []string{"shop/a-copy"}},
		{"match conditions false", gpol("GeneratingPolicy", "g", `  matchConditions:
  - {name: only-b, expression: "object.metadata.name == 'b'"}
`+copyGeneration), configMapIn("shop", "a"), "", "", nil},
		{"match condition error", gpol("GeneratingPolicy", "g", `  matchConditions:
  - {name: bad, expression: "object.missing.field == 'b'"}
`+copyGeneration), configMapIn("shop", "a"), engine.StatusError, "matchConditions", nil},
		{"template", gpol("GeneratingPolicy", "g", `  variables:
  - {name: suffix, expression: "'-tpl'"}
  generate:
  - template:
      interpolate: cel
      value: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: (( object.metadata.name + variables.suffix ))
          namespace: other
        data: (( object.data ))
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: literal, namespace: other}
`), configMapIn("shop", "a"), engine.StatusPass, "generated 2 object(s)", []string{"other/a-tpl", "other/literal"}},
		{"clone with resource.Get", gpol("GeneratingPolicy", "g", `  generate:
  - expression: >-
      generator.Apply(object.metadata.namespace, [resource.Get("v1", "secrets", "team", "source")])
`), configMapIn("shop", "a"), engine.StatusPass, "generated 1 object(s)", []string{"shop/source"}},
		{"namespaced into its namespace", gpol("NamespacedGeneratingPolicy", "ng", copyGeneration), configMapIn("team", "a"),
			engine.StatusPass, "generated 1 object(s)", []string{"team/a-copy"}},
		{"namespaced ignores other namespaces", gpol("NamespacedGeneratingPolicy", "ng", copyGeneration), configMapIn("shop", "a"),
			"", "", nil},
		{"namespaced may not generate elsewhere", gpol("NamespacedGeneratingPolicy", "ng", `  generate:
  - expression: >-
      generator.Apply("kube-system", [{"apiVersion": dyn("v1"), "kind": dyn("ConfigMap"), "metadata": dyn({"name": "x"})}])
`), configMapIn("team", "a"), engine.StatusError, `namespace "kube-system" is outside the policy's namespace "team"`, nil},
		{"namespaced template defaults to its namespace", gpol("NamespacedGeneratingPolicy", "ng", `  generate:
  - template:
      value: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
`), configMapIn("team", "a"), engine.StatusPass, "generated 1 object(s)", []string{"team/x"}},
		{"namespaced template may not name another namespace", gpol("NamespacedGeneratingPolicy", "ng", `  generate:
  - template:
      value: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: kube-system}\n"
`), configMapIn("team", "a"), engine.StatusError, `namespace "kube-system" is outside the policy's namespace "team"`, nil},
		{"namespaced reads only its namespace", gpol("NamespacedGeneratingPolicy", "ng", `  generate:
  - expression: generator.Apply([resource.Get("v1", "secrets", "source")])
`), configMapIn("team", "a"), engine.StatusPass, "generated 1 object(s)", []string{"team/source"}},
		{"runtime error names the entry", gpol("GeneratingPolicy", "g", `  generate:
  - expression: "[1][2]"
`), configMapIn("shop", "a"), engine.StatusError, "generate[0]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := generateOne(t, tt.doc, tt.obj, sourceLoader{})
			if tt.wantStatus == "" {
				assert.Empty(t, res.Rules)
				assert.Empty(t, res.Objects)
				return
			}
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.wantStatus, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.wantMsg)
			var names []string
			for _, g := range res.Objects {
				meta := g.Object["metadata"].(map[string]any)
				ns, _ := meta["namespace"].(string)
				names = append(names, ns+"/"+meta["name"].(string))
			}
			assert.Equal(t, tt.wantNames, names)
		})
	}
}

func TestGeneratingPolicySettings(t *testing.T) {
	e := engine.New()
	set := load(t, e, gpol("GeneratingPolicy", "g", `  evaluation:
    synchronize: {enabled: true}
    generateExisting: {enabled: true}
    orphanDownstreamOnPolicyDelete: {enabled: true}
  variables:
  - name: netpol
    expression: >-
      {"apiVersion": dyn("networking.k8s.io/v1"), "kind": dyn("NetworkPolicy"), "metadata": dyn({"name": "d"})}
  generate:
  - expression: generator.Apply(object.metadata.namespace, [variables.netpol])
  - template:
      value: "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
`)+"---\n"+gpol("GeneratingPolicy", "disabled", `  evaluation:
    admission: {enabled: false}
`+copyGeneration))
	require.Len(t, set.Policies, 2)
	p := set.Policies[0]
	assert.True(t, p.HasGenerate())
	assert.True(t, p.Runs(engine.StageTrigger))
	assert.False(t, p.Runs(engine.StageValidate|engine.StageScan|engine.StageMutate))
	assert.True(t, p.Triggers(engine.NewInput(engine.Request{Object: configMapIn("shop", "a")})))
	assert.Equal(t, "Ignore", p.Webhook.FailurePolicy)
	rules := p.GenerateRules()
	require.Len(t, rules, 1)
	assert.Equal(t, engine.GenerateRule{Name: "g", Synchronize: true, OrphanOnPolicyDelete: true, GenerateExisting: true,
		Targets: []engine.GenerateTarget{{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"}, {APIVersion: "v1", Kind: "Secret"}}},
		rules[0])
	assert.Len(t, p.GenerateExistingRules(), 1)
	assert.False(t, set.Policies[1].Runs(engine.StageTrigger), "admission disabled")
	assert.False(t, set.Policies[1].GenerateRules()[0].Synchronize)
}

func TestGeneratingPolicyException(t *testing.T) {
	exception := `---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: skip-a, namespace: team}
spec:
  policyRefs: [{name: g, kind: GeneratingPolicy}]
  matchConditions:
  - {name: a, expression: "object.metadata.name == 'a'"}
`
	doc := gpol("GeneratingPolicy", "g", copyGeneration) + exception
	skipped := generateOne(t, doc, configMapIn("shop", "a"), nil)
	require.Len(t, skipped.Rules, 1)
	assert.Equal(t, engine.StatusSkip, skipped.Rules[0].Status)
	assert.Equal(t, "team/skip-a", skipped.Rules[0].Exception)
	assert.Empty(t, skipped.Objects)
	other := generateOne(t, doc, configMapIn("shop", "b"), nil)
	require.Len(t, other.Rules, 1)
	assert.Equal(t, engine.StatusPass, other.Rules[0].Status)
	// An exception naming a ValidatingPolicy of the same name does not cover the GeneratingPolicy.
	vdoc := gpol("GeneratingPolicy", "g", copyGeneration) + strings.Replace(exception, "kind: GeneratingPolicy", "kind: ValidatingPolicy", 1)
	assert.Equal(t, engine.StatusPass, generateOne(t, vdoc, configMapIn("shop", "a"), nil).Rules[0].Status)
}

func TestGeneratingPolicyRefused(t *testing.T) {
	tests := []struct{ name, doc, err string }{
		{"no matchConstraints", `apiVersion: policies.kyverno.io/v1
kind: GeneratingPolicy
metadata: {name: g}
spec:
  generate:
  - expression: generator.Apply("a", [])
`, "spec.matchConstraints.resourceRules: required"},
		{"expression and template", gpol("GeneratingPolicy", "g", `  generate:
  - expression: generator.Apply("a", [])
    template: {value: "kind: A"}
`), "spec.generate[0].expression: only one of expression or template"},
		{"neither", gpol("GeneratingPolicy", "g", `  generate:
  - {}
`), "spec.generate[0].expression: one of expression or template must be set"},
		{"bad CEL", gpol("GeneratingPolicy", "g", `  generate:
  - expression: generator.Apply(
`), "spec.generate[0].expression: compilation failed"},
		{"bad placeholder", gpol("GeneratingPolicy", "g", `  generate:
  - template:
      interpolate: cel
      value: "kind: A\nmetadata: {name: (( variables.nope. ))}\n"
`), "spec.generate[0].template.value: placeholder"},
		{"placeholder key", gpol("GeneratingPolicy", "g", `  generate:
  - template:
      interpolate: cel
      value: "kind: A\ndata:\n  (( x )): v\n"
`), "not supported in mapping keys"},
		{"namespaced http", gpol("NamespacedGeneratingPolicy", "ng", `  generate:
  - expression: 'http.Get("https://example.com") == null'
`), "spec.generate[0].expression"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.NewLoader(engine.New()).LoadBytes("test.yaml", []byte(tt.doc))
			require.NotEmpty(t, set.Errors)
			assert.Contains(t, set.Errors[0].Error(), tt.err)
		})
	}
}

func TestGeneratingPolicyCloneSources(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []engine.CloneSource
	}{
		{"constant resource.Get", gpol("GeneratingPolicy", "g", `  variables:
  - {name: src, expression: 'resource.Get("v1", "secrets", "team", "source")'}
  generate:
  - expression: generator.Apply(object.metadata.namespace, [variables.src])
`), []engine.CloneSource{{APIVersion: "v1", Resource: "secrets", Namespace: "team", Name: "source"}}},
		{"namespaced: the policy's namespace", gpol("NamespacedGeneratingPolicy", "ng", `  generate:
  - expression: generator.Apply([resource.Get("v1", "secrets", "source")])
`), []engine.CloneSource{{APIVersion: "v1", Resource: "secrets", Namespace: "team", Name: "source"}}},
		{"computed name: not known before a trigger", gpol("GeneratingPolicy", "g", `  generate:
  - expression: generator.Apply(object.metadata.namespace, [resource.Get("v1", "secrets", "team", object.metadata.name)])
`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, engine.New(), tt.doc)
			require.Len(t, set.Policies, 1)
			assert.Equal(t, tt.want, set.Policies[0].GenerateRules()[0].CloneSources)
		})
	}
}
