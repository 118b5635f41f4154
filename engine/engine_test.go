package engine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

func pod(t *testing.T, doc string) map[string]any {
	t.Helper()
	var obj map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(doc), &obj))
	return obj
}

func load(t *testing.T, e *engine.Engine, doc string) *policy.Set {
	t.Helper()
	set := policy.NewLoader(e).LoadBytes("test.yaml", []byte(doc))
	for _, err := range set.Errors {
		t.Fatalf("load: %v", err)
	}
	return set
}

const header = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
  annotations: {pod-policies.kyverno.io/autogen-controllers: none}
spec:
  validationFailureAction: Enforce
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
`

const privilegedPod = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  containers:
  - name: a
    image: nginx:1.25
    securityContext: {privileged: true}
  - name: b
    image: ghcr.io/x/y:latest
`

func TestValidateRuleKinds(t *testing.T) {
	tests := []struct {
		name   string
		rule   string
		status engine.Status
		msg    string
	}{
		{name: "pattern fails", status: engine.StatusFail, msg: "failed at path /spec/containers/0/securityContext/privileged/",
			rule: "    validate:\n      message: no privileged\n      pattern: {spec: {containers: [{=(securityContext): {=(privileged): false}}]}}\n"},
		{name: "conditional anchor skips", status: engine.StatusSkip,
			rule: "    validate:\n      pattern: {spec: {(hostNetwork): true, containers: [{image: x}]}}\n"},
		{name: "anyPattern passes when one passes", status: engine.StatusPass,
			rule: "    validate:\n      anyPattern:\n      - {metadata: {labels: {team: \"?*\"}}}\n      - {metadata: {labels: {app: web}}}\n"},
		{name: "anyPattern fails when none passes", status: engine.StatusFail,
			rule: "    validate:\n      anyPattern:\n      - {metadata: {labels: {team: \"?*\"}}}\n      - {metadata: {labels: {app: db}}}\n"},
		{name: "deny with variable message", status: engine.StatusFail, msg: "pod web is denied",
			rule: "    validate:\n      message: \"pod {{ request.object.metadata.name }} is denied\"\n      deny:\n        conditions:\n          any:\n          - {key: \"{{ request.object.metadata.namespace }}\", operator: Equals, value: shop}\n"},
		{name: "deny not triggered passes", status: engine.StatusPass,
			rule: "    validate:\n      deny:\n        conditions:\n          all:\n          - {key: \"{{ request.operation }}\", operator: Equals, value: DELETE}\n"},
		{name: "preconditions not met skip", status: engine.StatusSkip, msg: "preconditions not met",
			rule: "    preconditions:\n      all:\n      - {key: \"{{ request.object.metadata.namespace }}\", operator: NotEquals, value: shop}\n    validate:\n      deny: {}\n"},
		{name: "legacy precondition list", status: engine.StatusFail,
			rule: "    preconditions:\n    - {key: \"{{ request.object.metadata.namespace }}\", operator: Equals, value: shop}\n    validate:\n      deny: {}\n"},
		{name: "foreach deny over containers", status: engine.StatusFail, msg: "latest tag in b",
			rule: "    validate:\n      message: latest tag in {{ element.name }}\n      foreach:\n      - list: request.object.spec.containers\n        deny:\n          conditions:\n            any:\n            - {key: \"{{ images.containers.\\\"{{element.name}}\\\".tag }}\", operator: Equals, value: latest}\n"},
		{name: "foreach pattern in element scope", status: engine.StatusFail,
			rule: "    validate:\n      foreach:\n      - list: request.object.spec.containers\n        pattern: {image: \"!*:latest\"}\n"},
		{name: "foreach preconditions skip every element", status: engine.StatusSkip,
			rule: "    validate:\n      foreach:\n      - list: request.object.spec.containers\n        preconditions:\n          all:\n          - {key: \"{{ element.name }}\", operator: Equals, value: none}\n        deny: {}\n"},
		{name: "nested foreach", status: engine.StatusFail,
			rule: "    validate:\n      foreach:\n      - list: request.object.spec.containers\n        foreach:\n        - list: element.securityContext | items(@, 'key', 'value')\n          deny:\n            conditions:\n              all:\n              - {key: \"{{ element.value }}\", operator: Equals, value: true}\n"},
		{name: "context variable", status: engine.StatusFail,
			rule: "    context:\n    - name: count\n      variable: {jmesPath: \"length(request.object.spec.containers)\"}\n    validate:\n      deny:\n        conditions:\n          any:\n          - {key: \"{{ count }}\", operator: GreaterThan, value: 1}\n"},
		{name: "variable with default", status: engine.StatusPass,
			rule: "    context:\n    - name: tier\n      variable: {jmesPath: \"request.object.metadata.labels.tier\", default: gold}\n    validate:\n      deny:\n        conditions:\n          any:\n          - {key: \"{{ tier }}\", operator: NotEquals, value: gold}\n"},
		{name: "missing variable is an error", status: engine.StatusError,
			rule: "    validate:\n      deny:\n        conditions:\n          any:\n          - {key: \"{{ request.object.spec.nothing.here }}\", operator: Equals, value: x}\n"},
		{name: "configMap without loader is an error", status: engine.StatusError, msg: "context entry \"cm\"",
			rule: "    context:\n    - name: cm\n      configMap: {name: settings, namespace: default}\n    validate:\n      deny: {}\n"},
		{name: "podSecurity restricted fails a privileged pod", status: engine.StatusFail, msg: "violates PodSecurity",
			rule: "    validate:\n      podSecurity: {level: restricted, version: latest}\n"},
		{name: "podSecurity baseline with the privileged control excluded", status: engine.StatusPass,
			rule: "    validate:\n      podSecurity:\n        level: baseline\n        version: latest\n        exclude:\n        - {controlName: Privileged Containers, images: [nginx*]}\n"},
		{name: "cel fails with the expression message", status: engine.StatusFail, msg: "no privileged containers",
			rule: "    validate:\n      cel:\n        expressions:\n        - expression: \"object.spec.containers.all(c, !has(c.securityContext) || !has(c.securityContext.privileged) || c.securityContext.privileged == false)\"\n          message: no privileged containers\n"},
		{name: "cel with variables passes", status: engine.StatusPass,
			rule: "    validate:\n      cel:\n        variables:\n        - {name: names, expression: \"object.spec.containers.map(c, c.name)\"}\n        expressions:\n        - expression: \"variables.names.size() == 2 && namespaceObject.metadata.name == 'shop'\"\n"},
		{name: "celPreconditions not met: no result", status: "",
			rule: "    celPreconditions:\n    - {name: only-prod, expression: \"object.metadata.namespace == 'prod'\"}\n    validate: {deny: {}}\n"},
		{name: "verifyImages is not supported yet", status: engine.StatusError, msg: "verifyImages is not supported",
			rule: "    verifyImages:\n    - imageReferences: [\"*\"]\n      attestors: []\n"},
	}
	e := engine.New()
	in := engine.NewInput(engine.Request{Object: pod(t, privilegedPod)})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := load(t, e, header+tt.rule)
			res := e.Validate(context.Background(), set.Policies[0], in, engine.EvalOptions{})
			if tt.status == "" {
				assert.Empty(t, res.Rules)
				return
			}
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.status, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.msg)
		})
	}
}

type fakeLoader struct{ cm map[string]any }

func (f fakeLoader) ConfigMap(_ context.Context, ns, name string) (map[string]any, error) {
	if ns == "default" && name == "settings" {
		return f.cm, nil
	}
	return nil, errors.New("not found")
}
func (fakeLoader) Call(context.Context, engine.APICall) (any, error) {
	return nil, errors.New("no api")
}
func (fakeLoader) ImageData(context.Context, string) (map[string]any, error) {
	return nil, errors.New("no registry")
}
func (fakeLoader) GlobalContext(context.Context, string) (any, error) { return nil, errors.New("none") }
func (fakeLoader) Resource(_ context.Context, q engine.ResourceQuery) (map[string]any, error) {
	if q.Kind == "Secret" && q.Name == "regcred" && q.Namespace == "default" {
		return map[string]any{"apiVersion": "v1", "kind": "Secret",
			"metadata": map[string]any{"name": "regcred", "namespace": "default", "uid": "1"}, "data": map[string]any{"k": "dg=="}}, nil
	}
	return nil, errors.New("not found")
}
func (fakeLoader) List(_ context.Context, q engine.ResourceQuery) ([]map[string]any, error) {
	if q.Namespace != "shop" || len(q.Kinds) != 1 || q.Kinds[0] != "ConfigMap" {
		return nil, nil
	}
	cm := func(name string) map[string]any {
		return map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": name, "namespace": "shop"}}
	}
	return []map[string]any{cm("app-config"), cm("app-secrets"), cm("other")}, nil
}

func TestConfigMapContext(t *testing.T) {
	e := engine.New()
	set := load(t, e, header+`    context:
    - name: settings
      configMap: {name: settings, namespace: default}
    validate:
      deny:
        conditions:
          any:
          - key: "{{ request.object.metadata.namespace }}"
            operator: AnyIn
            value: "{{ settings.data.blocked | parse_json(@) }}"
`)
	loader := fakeLoader{cm: map[string]any{"data": map[string]any{"blocked": `["shop","x"]`}}}
	res := e.Validate(context.Background(), set.Policies[0], engine.NewInput(engine.Request{Object: pod(t, privilegedPod)}),
		engine.EvalOptions{Loader: loader})
	require.Len(t, res.Rules, 1)
	assert.Equal(t, engine.StatusFail, res.Rules[0].Status, res.Rules[0].Message)
	assert.True(t, res.Blocked())
}

func TestMatchExcludeAndNamespacedPolicy(t *testing.T) {
	e := engine.New()
	set := load(t, e, `apiVersion: kyverno.io/v1
kind: Policy
metadata: {name: p, namespace: other}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate: {deny: {}}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: c}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    exclude: {any: [{resources: {namespaces: [sh*]}}]}
    validate: {deny: {}}
`)
	in := engine.NewInput(engine.Request{Object: pod(t, privilegedPod)})
	for _, p := range set.Policies {
		res := e.Validate(context.Background(), p, in, engine.EvalOptions{})
		assert.Empty(t, res.Rules, "policy %s must not apply", p.Key())
	}
	assert.False(t, set.Policies[1].Rules[0].Selects(in))
	assert.True(t, set.Policies[1].Rules[0].MatchesIgnoringExclude(in))
}

func TestPolicyException(t *testing.T) {
	e := engine.New()
	set := load(t, e, header+`    validate: {deny: {}}
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata: {name: allow-web, namespace: shop}
spec:
  exceptions: [{policyName: p, ruleNames: [r]}]
  match: {any: [{resources: {kinds: [Pod], names: [web]}}]}
`)
	in := engine.NewInput(engine.Request{Object: pod(t, privilegedPod)})
	res := e.Validate(context.Background(), set.Policies[0], in, engine.EvalOptions{Exceptions: set.Exceptions})
	require.Len(t, res.Rules, 1)
	assert.Equal(t, engine.StatusSkip, res.Rules[0].Status)
	assert.Equal(t, "shop/allow-web", res.Rules[0].Exception)
	assert.False(t, res.Blocked())
}

func TestDeleteUsesOldObject(t *testing.T) {
	e := engine.New()
	set := load(t, e, header+`    validate:
      deny:
        conditions:
          all:
          - {key: "{{ request.object.metadata.name }}", operator: Equals, value: web}
          - {key: "{{ request.operation }}", operator: Equals, value: DELETE}
`)
	in := engine.NewInput(engine.Request{Operation: engine.OperationDelete, OldObject: pod(t, privilegedPod)})
	res := e.Validate(context.Background(), set.Policies[0], in, engine.EvalOptions{})
	require.Len(t, res.Rules, 1)
	assert.Equal(t, engine.StatusFail, res.Rules[0].Status, res.Rules[0].Message)
}
