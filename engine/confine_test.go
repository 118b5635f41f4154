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

// scopedPolicy is a policy of kind (Policy in namespace team-a, or ClusterPolicy) with one rule named gen that
// matches ConfigMaps.
func scopedPolicy(kind, rule string) string {
	meta := "metadata: {name: p, namespace: team-a}\n"
	if kind == "ClusterPolicy" {
		meta = "metadata: {name: p}\n"
	}
	return "apiVersion: kyverno.io/v1\nkind: " + kind + "\n" + meta +
		"spec:\n  rules:\n  - name: gen\n    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n" + rule
}

func TestNamespacedPolicyRefusedAtLoad(t *testing.T) {
	tests := []struct {
		name string
		rule string
		err  string // the whole confinement message; "" when the Policy loads
	}{
		{name: "generate into another namespace",
			err:  `spec.rules[0] (gen): generate.namespace: "other" is outside the Policy's namespace "team-a"`,
			rule: "    generate: {apiVersion: v1, kind: ConfigMap, name: x, namespace: other, data: {data: {a: b}}}\n"},
		{name: "generate a cluster-scoped object",
			err:  `spec.rules[0] (gen): generate.namespace: empty (a cluster-scoped object, or every namespace) is outside the Policy's namespace "team-a"`,
			rule: "    generate: {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, name: x, data: {rules: []}}\n"},
		{name: "clone from another namespace",
			err:  `spec.rules[0] (gen): generate.clone.namespace: "bylaw-system" is outside the Policy's namespace "team-a"`,
			rule: "    generate: {apiVersion: v1, kind: Secret, name: x, namespace: team-a, clone: {namespace: bylaw-system, name: bylaw-webhook-tls}}\n"},
		{name: "cloneList from another namespace",
			err:  `spec.rules[0] (gen): generate.cloneList.namespace: "default" is outside the Policy's namespace "team-a"`,
			rule: "    generate: {namespace: team-a, cloneList: {namespace: default, kinds: [v1/ConfigMap]}}\n"},
		{name: "foreach generate into another namespace",
			err:  `spec.rules[0] (gen): generate.foreach[0].namespace: "other" is outside the Policy's namespace "team-a"`,
			rule: "    generate:\n      foreach:\n      - {list: \"['a']\", apiVersion: v1, kind: ConfigMap, name: x, namespace: other, data: {data: {a: b}}}\n"},
		{name: "mutate target in another namespace",
			err:  `spec.rules[0] (gen): mutate.targets[0].namespace: "other" is outside the Policy's namespace "team-a"`,
			rule: "    mutate:\n      targets: [{apiVersion: v1, kind: ConfigMap, namespace: other, name: x}]\n      patchStrategicMerge: {metadata: {labels: {a: b}}}\n"},
		{name: "apiCall to another namespace",
			err:  `spec.rules[0] (gen): context[0] (s): apiCall.urlPath: "/api/v1/namespaces/bylaw-system/secrets/bylaw-webhook-tls" is outside the Policy's namespace "team-a": the path names namespace bylaw-system`,
			rule: "    context: [{name: s, apiCall: {urlPath: /api/v1/namespaces/bylaw-system/secrets/bylaw-webhook-tls}}]\n    validate: {deny: {}}\n"},
		{name: "apiCall cluster-wide",
			err:  `spec.rules[0] (gen): context[0] (s): apiCall.urlPath: "/api/v1/pods" is outside the Policy's namespace "team-a": a cluster-wide path`,
			rule: "    context: [{name: s, apiCall: {urlPath: /api/v1/pods}}]\n    validate: {deny: {}}\n"},
		{name: "apiCall POST, even with variables",
			err:  `spec.rules[0] (gen): context[0] (s): apiCall.method: "POST" is outside the Policy's namespace "team-a": a namespaced Policy may only GET`,
			rule: "    context: [{name: s, apiCall: {method: POST, urlPath: \"/apis/authorization.k8s.io/v1/{{request.namespace}}\"}}]\n    validate: {deny: {}}\n"},
		{name: "apiCall service",
			err:  `spec.rules[0] (gen): context[0] (s): apiCall.service: "https://svc.other:443/x" is outside the Policy's namespace "team-a": a namespaced Policy may not call services`,
			rule: "    context: [{name: s, apiCall: {service: {url: \"https://svc.other:443/x\"}}}]\n    validate: {deny: {}}\n"},
		{name: "configMap of another namespace in a foreach",
			err:  `spec.rules[0] (gen): validate.foreach[0].context[0] (cm): configMap.namespace: "kube-system" is outside the Policy's namespace "team-a"`,
			rule: "    validate:\n      foreach:\n      - list: \"['a']\"\n        context: [{name: cm, configMap: {name: c, namespace: kube-system}}]\n        deny: {}\n"},
		{name: "configMap without namespace reads default",
			err:  `spec.rules[0] (gen): context[0] (cm): configMap.namespace: "default" is outside the Policy's namespace "team-a": an empty configMap.namespace reads namespace "default"; write namespace: team-a`,
			rule: "    context: [{name: cm, configMap: {name: c}}]\n    validate: {deny: {}}\n"},
		{name: "own namespace loads",
			rule: "    context:\n    - {name: cm, configMap: {name: c, namespace: team-a}}\n    - {name: pods, apiCall: {urlPath: \"/api/v1/namespaces/team-a/pods?labelSelector=app%3Dweb\"}}\n" +
				"    - {name: any, apiCall: {urlPath: \"/api/v1/namespaces/{{request.namespace}}/pods\"}}\n" +
				"    generate: {apiVersion: v1, kind: Secret, name: x, namespace: team-a, clone: {namespace: team-a, name: src}}\n"},
		{name: "variables are checked at evaluation",
			rule: "    generate: {apiVersion: v1, kind: ConfigMap, name: x, namespace: \"{{request.object.metadata.labels.to}}\", data: {data: {a: b}}}\n"},
	}
	e := engine.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.NewLoader(e).LoadBytes("p.yaml", []byte(scopedPolicy("Policy", tt.rule)))
			if tt.err == "" {
				require.Empty(t, set.Errors)
				require.Len(t, set.Policies, 1)
			} else {
				require.Len(t, set.Errors, 1)
				assert.Empty(t, set.Policies)
				assert.Contains(t, set.Errors[0].Error(), "(Policy p)")
				assert.Contains(t, set.Errors[0].Error(), tt.err)
				var outside *engine.OutsideNamespaceError
				assert.True(t, errors.As(set.Errors[0], &outside), "%v", set.Errors[0])
			}
			cluster := policy.NewLoader(e).LoadBytes("c.yaml", []byte(scopedPolicy("ClusterPolicy", tt.rule)))
			assert.Empty(t, cluster.Errors, "a ClusterPolicy is not confined")
		})
	}
}

// recordingLoader serves everything and records what it was asked for.
type recordingLoader struct{ asked *[]string }

func (r recordingLoader) record(s string) { *r.asked = append(*r.asked, s) }

func (r recordingLoader) ConfigMap(_ context.Context, ns, name string) (map[string]any, error) {
	r.record("configMap " + ns + "/" + name)
	return map[string]any{"data": map[string]any{"k": "v"}}, nil
}
func (r recordingLoader) Call(_ context.Context, c engine.APICall) (any, error) {
	r.record("call " + c.Method + " " + c.URLPath)
	return map[string]any{"ok": true}, nil
}
func (r recordingLoader) ImageData(context.Context, string) (map[string]any, error) {
	return nil, errors.New("no registry")
}
func (r recordingLoader) GlobalContext(context.Context, string) (any, error) {
	return nil, errors.New("none")
}
func (r recordingLoader) Resource(_ context.Context, q engine.ResourceQuery) (map[string]any, error) {
	r.record("resource " + q.Kind + " " + q.Namespace + "/" + q.Name)
	return map[string]any{"apiVersion": q.APIVersion, "kind": q.Kind,
		"metadata": map[string]any{"name": q.Name, "namespace": q.Namespace}}, nil
}
func (r recordingLoader) List(_ context.Context, q engine.ResourceQuery) ([]map[string]any, error) {
	r.record("list " + strings.Join(q.Kinds, ",") + " " + q.Namespace)
	return nil, nil
}

// trigger is a ConfigMap in team-a whose labels name another namespace and its own, for variables to pick up.
const trigger = `apiVersion: v1
kind: ConfigMap
metadata:
  name: trigger
  namespace: team-a
  labels: {to: other, own: team-a}
`

func TestNamespacedPolicyConfinedAtEvaluation(t *testing.T) {
	tests := []struct {
		name  string
		rule  string
		err   string   // the error result of the namespaced Policy; "" when it does not error
		asked []string // what the namespaced Policy asked the loader
	}{
		{name: "generate namespace resolves elsewhere",
			err:  `generate.namespace: "other" is outside the Policy's namespace "team-a"`,
			rule: "    generate: {apiVersion: v1, kind: ConfigMap, name: x, namespace: \"{{request.object.metadata.labels.to}}\", data: {data: {a: b}}}\n"},
		{name: "generate namespace resolves to its own",
			rule: "    generate: {apiVersion: v1, kind: ConfigMap, name: x, namespace: \"{{request.object.metadata.labels.own}}\", data: {data: {a: b}}}\n"},
		{name: "clone source resolves elsewhere",
			err:  `clone source Secret other/regcred: namespace: "other" is outside the Policy's namespace "team-a"`,
			rule: "    generate: {apiVersion: v1, kind: Secret, name: x, namespace: team-a, clone: {namespace: \"{{request.object.metadata.labels.to}}\", name: regcred}}\n"},
		{name: "clone source of its own namespace",
			asked: []string{"resource Secret team-a/regcred"},
			rule:  "    generate: {apiVersion: v1, kind: Secret, name: x, namespace: team-a, clone: {namespace: \"{{request.object.metadata.labels.own}}\", name: regcred}}\n"},
		{name: "cloneList source resolves elsewhere",
			err:  `cloneList sources in other: namespace: "other" is outside the Policy's namespace "team-a"`,
			rule: "    generate: {namespace: team-a, cloneList: {namespace: \"{{request.object.metadata.labels.to}}\", kinds: [v1/ConfigMap]}}\n"},
		{name: "foreach generate resolves elsewhere",
			err:  `generate.namespace: "other" is outside the Policy's namespace "team-a"`,
			rule: "    generate:\n      foreach:\n      - {list: \"['a']\", apiVersion: v1, kind: ConfigMap, name: x, namespace: \"{{request.object.metadata.labels.to}}\", data: {data: {a: b}}}\n"},
		{name: "apiCall resolves to another namespace",
			err:  `context entry "s": apiCall.urlPath: "/api/v1/namespaces/other/secrets" is outside the Policy's namespace "team-a"`,
			rule: "    context: [{name: s, apiCall: {urlPath: \"/api/v1/namespaces/{{request.object.metadata.labels.to}}/secrets\"}}]\n    validate: {deny: {}}\n"},
		{name: "apiCall resolves cluster-wide",
			err:  `context entry "s": apiCall.urlPath: "/api/v1/secrets" is outside the Policy's namespace "team-a": a cluster-wide path`,
			rule: "    context: [{name: s, apiCall: {urlPath: \"/api/v1/{{request.object.kind | 'secrets'}}\"}}]\n    validate: {deny: {}}\n"},
		{name: "apiCall escapes with ..",
			err:  `context entry "s": apiCall.urlPath: "/api/v1/namespaces/team-a/../other/secrets" is outside the Policy's namespace "team-a": empty, . or .. path segment`,
			rule: "    context: [{name: s, apiCall: {urlPath: \"/api/v1/namespaces/team-a/../{{request.object.metadata.labels.to}}/secrets\"}}]\n    validate: {deny: {}}\n"},
		{name: "apiCall GET of its own namespace",
			asked: []string{"call GET /api/v1/namespaces/team-a/pods"},
			rule:  "    context: [{name: s, apiCall: {urlPath: \"/api/v1/namespaces/{{request.namespace}}/pods\"}}]\n    validate: {deny: {conditions: {all: [{key: \"{{s.ok}}\", operator: Equals, value: false}]}}}\n"},
		{name: "configMap resolves elsewhere",
			err:  `context entry "cm": configMap.namespace: "other" is outside the Policy's namespace "team-a"`,
			rule: "    context: [{name: cm, configMap: {name: c, namespace: \"{{request.object.metadata.labels.to}}\"}}]\n    validate: {deny: {}}\n"},
		{name: "mutate target resolves elsewhere",
			err:  `targets[0]: namespace: "other" is outside the Policy's namespace "team-a"`,
			rule: "    mutate:\n      targets: [{apiVersion: v1, kind: ConfigMap, namespace: \"{{request.object.metadata.labels.to}}\", name: x}]\n      patchStrategicMerge: {metadata: {labels: {a: b}}}\n"},
	}
	e := engine.New()
	in := engine.NewInput(engine.Request{Operation: engine.OperationCreate, Object: pod(t, trigger)})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, kind := range []string{"Policy", "ClusterPolicy"} {
				var asked []string
				set := load(t, e, scopedPolicy(kind, tt.rule))
				res := e.Evaluate(context.Background(), set.Policies[0], in, engine.EvalOptions{Loader: recordingLoader{&asked}})
				require.Len(t, res.Rules, 1, kind)
				rr := res.Rules[0]
				if kind == "ClusterPolicy" {
					assert.NotEqual(t, engine.StatusError, rr.Status, "a ClusterPolicy is not confined: %s", rr.Message)
					continue
				}
				assert.Equal(t, tt.asked, asked, "what reached the loader")
				if tt.err == "" {
					assert.NotEqual(t, engine.StatusError, rr.Status, rr.Message)
					continue
				}
				assert.Equal(t, engine.StatusError, rr.Status, rr.Message)
				assert.Contains(t, rr.Message, tt.err)
				assert.Empty(t, res.Generated, "nothing generated")
				assert.Empty(t, res.PatchedTargets, "nothing patched")
			}
		})
	}
}
