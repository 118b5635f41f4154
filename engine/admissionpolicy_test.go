package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/labels"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// paramLoader serves List over a fixed set of objects, as the CLI's loader does; listErr fails every List.
type paramLoader struct {
	objects []map[string]any
	listErr error
}

func (paramLoader) ConfigMap(context.Context, string, string) (map[string]any, error) {
	return nil, errors.New("none")
}
func (paramLoader) Call(context.Context, engine.APICall) (any, error) { return nil, errors.New("none") }
func (paramLoader) ImageData(context.Context, string) (map[string]any, error) {
	return nil, errors.New("none")
}
func (paramLoader) GlobalContext(context.Context, string) (any, error) {
	return nil, errors.New("none")
}
func (paramLoader) Resource(context.Context, engine.ResourceQuery) (map[string]any, error) {
	return nil, errors.New("none")
}
func (l paramLoader) List(_ context.Context, q engine.ResourceQuery) ([]map[string]any, error) {
	if l.listErr != nil {
		return nil, l.listErr
	}
	sel, err := metav1.LabelSelectorAsSelector(q.Selector)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, obj := range l.objects {
		meta := obj["metadata"].(map[string]any)
		ns, _ := meta["namespace"].(string)
		lbls := map[string]string{}
		if m, ok := meta["labels"].(map[string]any); ok {
			for k, v := range m {
				lbls[k] = v.(string)
			}
		}
		if ns == q.Namespace && "v1/"+obj["kind"].(string) == q.Kinds[0] && sel.Matches(labels.Set(lbls)) {
			out = append(out, obj)
		}
	}
	return out, nil
}

const vapHeader = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: max-replicas}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
`

const vapParams = vapHeader + `  paramKind: {apiVersion: v1, kind: ConfigMap}
  validations:
  - expression: object.spec.replicas <= int(params.data.max)
    messageExpression: "'at most ' + params.data.max + ' replicas'"
`

const vapPlain = vapHeader + `  validations:
  - expression: object.spec.replicas <= 5
    message: too many replicas
`

func binding(spec string) string {
	return "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n" +
		"metadata: {name: b}\nspec:\n  policyName: max-replicas\n" + spec
}

func deployment(ns string, replicas int, lbls string) map[string]any {
	return map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "d", "namespace": ns, "labels": map[string]any{"tier": lbls}},
		"spec":     map[string]any{"replicas": int64(replicas)}}
}

func limits(name, ns, max string, lbls map[string]any) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": name, "namespace": ns, "labels": lbls}, "data": map[string]any{"max": max}}
}

func TestAdmissionPolicyEvaluation(t *testing.T) {
	params := []map[string]any{limits("small", "shop", "2", map[string]any{"size": "s"}),
		limits("big", "shop", "8", map[string]any{"size": "l"}), limits("small", "other", "1", nil)}
	tests := []struct {
		name     string
		docs     string
		obj      map[string]any
		loader   engine.Loader
		nsLabels map[string]string
		status   engine.Status // "": the policy does not apply
		msg      string
		action   engine.Action
		warn     bool
	}{
		{name: "policy alone passes", docs: vapPlain, obj: deployment("shop", 3, "web"), status: engine.StatusPass, action: engine.ActionEnforce},
		{name: "policy alone fails with message", docs: vapPlain, obj: deployment("shop", 6, "web"), status: engine.StatusFail, msg: "too many replicas", action: engine.ActionEnforce},
		{name: "binding without matchResources selects what the policy selects", docs: vapPlain + binding("  validationActions: [Deny]\n"),
			obj: deployment("shop", 6, "web"), status: engine.StatusFail, action: engine.ActionEnforce},
		{name: "binding matchResources narrows by namespace labels", docs: vapPlain + binding("  validationActions: [Deny]\n  matchResources:\n    namespaceSelector: {matchLabels: {env: prod}}\n"),
			obj: deployment("shop", 6, "web"), nsLabels: map[string]string{"env": "test"}},
		{name: "binding matchResources selects by namespace labels", docs: vapPlain + binding("  validationActions: [Deny]\n  matchResources:\n    namespaceSelector: {matchLabels: {env: prod}}\n"),
			obj: deployment("shop", 6, "web"), nsLabels: map[string]string{"env": "prod"}, status: engine.StatusFail, action: engine.ActionEnforce},
		{name: "binding resourceRules cannot widen the policy's", docs: vapPlain + binding("  validationActions: [Deny]\n  matchResources:\n    resourceRules:\n    - {apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*']}\n"),
			obj: map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": map[string]any{"name": "p", "namespace": "shop"}, "spec": map[string]any{"replicas": int64(9)}}},
		{name: "binding excludeResourceRules removes", docs: vapPlain + binding("  validationActions: [Deny]\n  matchResources:\n    excludeResourceRules:\n    - {apiGroups: [apps], apiVersions: [v1], operations: ['*'], resources: [deployments]}\n"),
			obj: deployment("shop", 6, "web")},
		{name: "Warn action", docs: vapPlain + binding("  validationActions: [Warn, Audit]\n"), obj: deployment("shop", 6, "web"),
			status: engine.StatusFail, action: engine.ActionAudit, warn: true},
		{name: "Audit action", docs: vapPlain + binding("  validationActions: [Audit]\n"), obj: deployment("shop", 6, "web"),
			status: engine.StatusFail, action: engine.ActionAudit},
		{name: "paramRef by name, namespace from the request", docs: vapParams + binding("  validationActions: [Deny]\n  paramRef: {name: small, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 3, "web"), loader: paramLoader{objects: params}, status: engine.StatusFail, msg: "at most 2 replicas", action: engine.ActionEnforce},
		{name: "paramRef by name in a given namespace", docs: vapParams + binding("  validationActions: [Deny]\n  paramRef: {name: small, namespace: other, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 2, "web"), loader: paramLoader{objects: params}, status: engine.StatusFail, msg: "at most 1 replicas", action: engine.ActionEnforce},
		{name: "paramRef by name passes", docs: vapParams + binding("  validationActions: [Deny]\n  paramRef: {name: big, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 3, "web"), loader: paramLoader{objects: params}, status: engine.StatusPass, action: engine.ActionEnforce},
		{name: "paramRef selector: fails when any param object fails", docs: vapParams + binding("  validationActions: [Deny]\n  paramRef: {selector: {}, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 3, "web"), loader: paramLoader{objects: params}, status: engine.StatusFail, msg: "at most 2", action: engine.ActionEnforce},
		{name: "paramRef selector: passes when every param object passes", docs: vapParams + binding("  validationActions: [Deny]\n  paramRef: {selector: {matchLabels: {size: l}}, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 3, "web"), loader: paramLoader{objects: params}, status: engine.StatusPass, action: engine.ActionEnforce},
		{name: "param not found, Deny", docs: vapParams + binding("  validationActions: [Deny]\n  paramRef: {name: none, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 1, "web"), loader: paramLoader{objects: params}, status: engine.StatusFail, msg: "no params found", action: engine.ActionEnforce},
		{name: "param not found, Allow", docs: vapParams + binding("  validationActions: [Deny]\n  paramRef: {selector: {matchLabels: {size: xl}}, parameterNotFoundAction: Allow}\n"),
			obj: deployment("shop", 9, "web"), loader: paramLoader{objects: params}, status: engine.StatusSkip, msg: "parameterNotFoundAction Allow", action: engine.ActionEnforce},
		{name: "params without loader is an error under Fail", docs: vapParams + binding("  validationActions: [Deny]\n  paramRef: {name: small, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 1, "web"), status: engine.StatusError, msg: "no loader", action: engine.ActionEnforce},
		{name: "a loader error is an error under Ignore, saying the API server admits", docs: vapIgnore(vapParams) + binding("  validationActions: [Deny]\n  paramRef: {name: small, parameterNotFoundAction: Deny}\n"),
			obj: deployment("shop", 1, "web"), loader: paramLoader{listErr: errors.New("boom")}, status: engine.StatusError, msg: "failurePolicy Ignore (the API server admits the request): paramRef", action: engine.ActionEnforce},
		{name: "an evaluation error is an error under Fail", docs: vapHeader + "  validations:\n  - expression: object.spec.nothing > 1\n",
			obj: deployment("shop", 1, "web"), status: engine.StatusError, msg: "nothing", action: engine.ActionEnforce},
		{name: "an evaluation error is an error under Ignore, saying the API server admits", docs: vapIgnore(vapHeader + "  validations:\n  - expression: object.spec.nothing > 1\n"),
			obj: deployment("shop", 1, "web"), status: engine.StatusError, msg: "failurePolicy Ignore (the API server admits the request): ", action: engine.ActionEnforce},
		{name: "a matchConditions error under Ignore is an error", docs: vapIgnore(vapPlain + "  matchConditions:\n  - {name: bad, expression: \"object.metadata.nothing == 'x'\"}\n"),
			obj: deployment("shop", 1, "web"), status: engine.StatusError, msg: "failurePolicy Ignore (the API server admits the request): matchConditions", action: engine.ActionEnforce},
		{name: "matchConditions false: not applied", docs: vapPlain + "  matchConditions:\n  - {name: web-only, expression: \"object.metadata.labels.tier == 'web'\"}\n",
			obj: deployment("shop", 9, "db")},
		{name: "matchConditions true: applied", docs: vapPlain + "  matchConditions:\n  - {name: web-only, expression: \"object.metadata.labels.tier == 'web'\"}\n",
			obj: deployment("shop", 9, "web"), status: engine.StatusFail, action: engine.ActionEnforce},
		{name: "variables", docs: vapHeader + "  variables:\n  - {name: dbl, expression: object.spec.replicas * 2}\n  validations:\n  - {expression: variables.dbl < 4, messageExpression: \"'double is ' + string(variables.dbl)\"}\n",
			obj: deployment("shop", 3, "web"), status: engine.StatusFail, msg: "double is 6", action: engine.ActionEnforce},
	}
	e := engine.New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.NewLoader(e, policy.WithAdmissionPolicies()).LoadBytes("vap.yaml", []byte(tt.docs))
			require.Empty(t, set.Errors)
			require.Len(t, set.Policies, 1)
			p := set.Policies[0]
			assert.Equal(t, "max-replicas", p.Name)
			assert.Equal(t, engine.AdmissionPolicyKind, p.Kind)
			in := engine.NewInput(engine.Request{Object: tt.obj, NamespaceLabels: tt.nsLabels})
			res := e.Validate(context.Background(), p, in, engine.EvalOptions{Loader: tt.loader})
			if tt.status == "" {
				assert.Empty(t, res.Rules)
				return
			}
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.status, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.msg)
			assert.Equal(t, tt.action, p.Action)
			assert.Equal(t, tt.warn, p.Warn)
		})
	}
}

// Each binding is one rule of the policy, with its own match and action.
func TestAdmissionPolicyBindingsAreRules(t *testing.T) {
	docs := vapPlain + binding("  validationActions: [Deny]\n  matchResources:\n    namespaceSelector: {matchLabels: {env: prod}}\n") +
		replaceName(binding("  validationActions: [Warn]\n"), "b", "warn-everywhere")
	e := engine.New()
	set := policy.NewLoader(e, policy.WithAdmissionPolicies()).LoadBytes("vap.yaml", []byte(docs))
	require.Empty(t, set.Errors)
	require.Len(t, set.Policies, 1)
	p := set.Policies[0]
	assert.Equal(t, engine.ActionEnforce, p.Action)
	assert.True(t, p.Warn)
	tests := []struct {
		nsLabels map[string]string
		want     map[string]engine.Action // rule -> action of its failing result
	}{
		{map[string]string{"env": "prod"}, map[string]engine.Action{"b": engine.ActionEnforce, "warn-everywhere": engine.ActionAudit}},
		{map[string]string{"env": "dev"}, map[string]engine.Action{"warn-everywhere": engine.ActionAudit}},
	}
	for _, tt := range tests {
		in := engine.NewInput(engine.Request{Object: deployment("shop", 9, "web"), NamespaceLabels: tt.nsLabels})
		got := map[string]engine.Action{}
		for _, rr := range e.Validate(context.Background(), p, in, engine.EvalOptions{}).Rules {
			assert.Equal(t, engine.StatusFail, rr.Status)
			got[rr.Rule] = rr.Action
		}
		assert.Equal(t, tt.want, got, tt.nsLabels)
	}
}

func replaceName(doc, from, to string) string {
	return strings.Replace(doc, "metadata: {name: "+from+"}", "metadata: {name: "+to+"}", 1)
}

func vapIgnore(doc string) string {
	return doc + "  failurePolicy: Ignore\n"
}
