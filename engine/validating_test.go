package engine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// vpol returns a ValidatingPolicy document on Pods with the given spec lines appended (two-space indented).
func vpol(kind, name, extra string) string {
	return `apiVersion: policies.kyverno.io/v1
kind: ` + kind + `
metadata: {name: ` + name + `, namespace: team}
spec:
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE, UPDATE, DELETE]
      resources: [pods]
` + extra
}

const noLatest = `  validations:
  - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
    messageExpression: "'image ' + object.spec.containers[0].image + ' uses latest'"
`

func podIn(namespace, name, image string) map[string]any {
	return map[string]any{"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "a", "image": image}}}}
}

func validateOne(t *testing.T, doc string, req engine.Request) engine.PolicyResult {
	t.Helper()
	e := engine.New()
	set := load(t, e, doc)
	require.Len(t, set.Policies, 1)
	return e.Validate(t.Context(), set.Policies[0], engine.NewInput(req), engine.EvalOptions{Exceptions: set.Exceptions})
}

func TestValidatingPolicyEvaluation(t *testing.T) {
	bad, good := podIn("team", "bad", "nginx:latest"), podIn("team", "good", "nginx:1.2")
	cases := []struct {
		name        string
		doc         string
		req         engine.Request
		wantStatus  engine.Status // "" when the policy gives no result
		wantMessage string
	}{
		{"pass", vpol("ValidatingPolicy", "v", noLatest), engine.Request{Object: good}, engine.StatusPass, "validation policy v passed."},
		{"fail with messageExpression", vpol("ValidatingPolicy", "v", noLatest), engine.Request{Object: bad}, engine.StatusFail, "image nginx:latest uses latest"},
		{"another resource is not selected", vpol("ValidatingPolicy", "v", noLatest),
			engine.Request{Object: map[string]any{"apiVersion": "v1", "kind": "Service", "metadata": map[string]any{"name": "s"}}}, "", ""},
		{"a subresource request is not selected", vpol("ValidatingPolicy", "v", noLatest),
			engine.Request{Object: bad, Subresource: "status"}, "", ""},
		{"matchConditions false: not applied", vpol("ValidatingPolicy", "v", noLatest+`  matchConditions:
  - {name: only-good, expression: "object.metadata.name == 'good'"}
`), engine.Request{Object: bad}, "", ""},
		{"matchConditions error: an error, never a pass", vpol("ValidatingPolicy", "v", noLatest+`  matchConditions:
  - {name: broken, expression: "object.metadata.labels.missing == 'x'"}
`), engine.Request{Object: bad}, engine.StatusError, "matchConditions"},
		{"matchConditions error under failurePolicy Ignore: not applied", vpol("ValidatingPolicy", "v", noLatest+`  failurePolicy: Ignore
  matchConditions:
  - {name: broken, expression: "object.metadata.labels.missing == 'x'"}
`), engine.Request{Object: bad}, "", ""},
		{"an evaluation error is an error", vpol("ValidatingPolicy", "v", `  validations:
  - expression: "object.spec.nothing.size() > 0"
`), engine.Request{Object: good}, engine.StatusError, "no such key"},
		{"DELETE sees oldObject", vpol("ValidatingPolicy", "v", `  validations:
  - expression: "request.operation != 'DELETE' || oldObject.metadata.name != 'bad'"
    message: "bad may not be deleted"
`), engine.Request{Operation: engine.OperationDelete, OldObject: bad}, engine.StatusFail, "bad may not be deleted"},
		{"a namespaced policy acts in its namespace", vpol("NamespacedValidatingPolicy", "v", noLatest), engine.Request{Object: bad}, engine.StatusFail, "uses latest"},
		{"a namespaced policy ignores other namespaces", vpol("NamespacedValidatingPolicy", "v", noLatest),
			engine.Request{Object: podIn("other", "bad", "nginx:latest")}, "", ""},
		{"JSON mode validates any payload", `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: j}
spec:
  evaluation: {mode: JSON}
  validations:
  - expression: "object.replicas <= 3"
    message: too many replicas
`, engine.Request{Object: map[string]any{"replicas": int64(5)}, Payload: true}, engine.StatusFail, "too many replicas"},
		{"JSON mode does not select Kubernetes objects", `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: j}
spec:
  evaluation: {mode: JSON}
  validations:
  - expression: "false"
`, engine.Request{Object: bad}, "", ""},
		{"a payload is not selected by a Kubernetes-mode policy", vpol("ValidatingPolicy", "v", noLatest),
			engine.Request{Object: bad, Payload: true}, "", ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := validateOne(t, tt.doc, tt.req)
			if tt.wantStatus == "" {
				assert.Empty(t, res.Rules)
				return
			}
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.wantStatus, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.wantMessage)
		})
	}
}

func TestValidatingPolicyActions(t *testing.T) {
	cases := []struct {
		actions    string
		wantAction engine.Action
		wantWarn   bool
	}{
		{"", engine.ActionEnforce, false}, // Kyverno's default is Deny
		{"[Deny]", engine.ActionEnforce, false},
		{"[Audit]", engine.ActionAudit, false},
		{"[Warn]", engine.ActionAudit, true},
		{"[Audit, Warn]", engine.ActionAudit, true},
		{"[Deny, Audit]", engine.ActionEnforce, false},
	}
	for _, tt := range cases {
		t.Run(tt.actions, func(t *testing.T) {
			extra := noLatest
			if tt.actions != "" {
				extra += "  validationActions: " + tt.actions + "\n"
			}
			e := engine.New()
			p := load(t, e, vpol("ValidatingPolicy", "v", extra)).Policies[0]
			assert.Equal(t, tt.wantAction, p.Action)
			assert.Equal(t, tt.wantWarn, p.Warn)
			res := e.Validate(t.Context(), p, engine.NewInput(engine.Request{Object: podIn("team", "bad", "x:latest")}), engine.EvalOptions{})
			assert.Equal(t, tt.wantAction == engine.ActionEnforce, res.Blocked())
		})
	}
}

func TestValidatingPolicySettings(t *testing.T) {
	p := load(t, engine.New(), vpol("ValidatingPolicy", "v", noLatest+`  failurePolicy: Ignore
  webhookConfiguration: {timeoutSeconds: 20}
  evaluation:
    admission: {enabled: false}
    background: {enabled: true}
`)).Policies[0]
	assert.Equal(t, engine.Webhook{FailurePolicy: "Ignore", TimeoutSeconds: 20}, p.Webhook)
	assert.False(t, p.Admission)
	assert.True(t, p.Background)
	assert.False(t, p.Runs(engine.StageValidate), "admission disabled")
	assert.True(t, p.Runs(engine.StageScan))
	require.Len(t, p.Rules, 3, "the policy and its defaults and cronjobs variants")
	assert.Equal(t, []string{"pods"}, p.Rules[0].Scope.Resources[0].Resources)
	assert.Equal(t, "", p.Rules[0].Autogen)
	assert.Equal(t, "v", p.Rules[1].Autogen)
	assert.Empty(t, p.Rules[0].Scope.Kinds)
}

func TestValidatingPolicyRefused(t *testing.T) {
	cases := []struct{ name, doc, want string }{
		{"no validations", vpol("ValidatingPolicy", "v", ""), "spec.validations"},
		{"no matchConstraints", "apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: v}\nspec:\n" + noLatest, "spec.matchConstraints"},
		{"Deny with Warn", vpol("ValidatingPolicy", "v", noLatest+"  validationActions: [Deny, Warn]\n"), "Deny and Warn"},
		{"unknown action", vpol("ValidatingPolicy", "v", noLatest+"  validationActions: [Block]\n"), "validationActions[0]"},
		{"CEL type error", vpol("ValidatingPolicy", "v", "  validations:\n  - expression: \"'a' + 1\"\n"), "validations"},
		{"non-bool validation", vpol("ValidatingPolicy", "v", "  validations:\n  - expression: \"'a'\"\n"), "bool"},
		{"unknown field", vpol("ValidatingPolicy", "v", noLatest+"  validationz: []\n"), "validationz"},
		{"bad scope", `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: v}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE], scope: Somewhere}
` + noLatest, "scope"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.NewLoader(engine.New()).LoadBytes("v.yaml", []byte(tt.doc))
			require.Len(t, set.Errors, 1)
			assert.Empty(t, set.Policies)
			assert.Contains(t, set.Errors[0].Error(), tt.want)
			assert.Contains(t, set.Errors[0].Error(), "v.yaml")
		})
	}
}

func TestValidatingPolicyVersions(t *testing.T) {
	for _, apiVersion := range []string{"policies.kyverno.io/v1", "policies.kyverno.io/v1beta1", "policies.kyverno.io/v1alpha1", "bylaw.dev/v1alpha1"} {
		t.Run(apiVersion, func(t *testing.T) {
			doc := "apiVersion: " + apiVersion + vpol("ValidatingPolicy", "v", noLatest)[len("apiVersion: policies.kyverno.io/v1"):]
			set := load(t, engine.New(), doc)
			require.Len(t, set.Policies, 1)
			assert.Equal(t, "ValidatingPolicy", set.Policies[0].Kind)
		})
	}
}

func TestCELPolicyException(t *testing.T) {
	exception := func(namespace, kind, report string) string {
		return `---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: allow-bad, namespace: ` + namespace + `}
spec:
  policyRefs: [{name: v, kind: ` + kind + `}]
  reportResult: ` + report + `
  matchConditions:
  - {name: bad-only, expression: "object.metadata.name == 'bad'"}
`
	}
	cases := []struct {
		name, doc string
		obj       map[string]any
		want      engine.Status
	}{
		{"exempts the matching Pod", vpol("ValidatingPolicy", "v", noLatest) + exception("team", "ValidatingPolicy", "skip"),
			podIn("team", "bad", "x:latest"), engine.StatusSkip},
		{"reportResult pass", vpol("ValidatingPolicy", "v", noLatest) + exception("team", "ValidatingPolicy", "pass"),
			podIn("team", "bad", "x:latest"), engine.StatusPass},
		{"not another Pod", vpol("ValidatingPolicy", "v", noLatest) + exception("team", "ValidatingPolicy", "skip"),
			podIn("team", "worse", "x:latest"), engine.StatusFail},
		{"not another kind of policy", vpol("ValidatingPolicy", "v", noLatest) + exception("team", "NamespacedValidatingPolicy", "skip"),
			podIn("team", "bad", "x:latest"), engine.StatusFail},
		{"a namespaced policy's exception from another namespace has no effect", vpol("NamespacedValidatingPolicy", "v", noLatest) +
			exception("elsewhere", "NamespacedValidatingPolicy", "skip"), podIn("team", "bad", "x:latest"), engine.StatusFail},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			res := validateOne(t, tt.doc, engine.Request{Object: tt.obj})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.want, res.Rules[0].Status, res.Rules[0].Message)
		})
	}
}

func TestCELPolicyExceptionRefused(t *testing.T) {
	cases := []struct{ name, spec, want string }{
		{"no policyRefs", "policyRefs: []", "spec.policyRefs"},
		{"ref without kind", "policyRefs: [{name: v}]", "spec.policyRefs[0]"},
		{"bad reportResult", "policyRefs: [{name: v, kind: ValidatingPolicy}]\n  reportResult: fail", "spec.reportResult"},
		{"bad condition", "policyRefs: [{name: v, kind: ValidatingPolicy}]\n  matchConditions: [{name: c, expression: \"1 +\"}]", "spec.matchConditions"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			doc := "apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: x}\nspec:\n  " + tt.spec + "\n"
			set := policy.NewLoader(engine.New()).LoadBytes("x.yaml", []byte(doc))
			require.Len(t, set.Errors, 1)
			assert.Contains(t, set.Errors[0].Error(), tt.want)
		})
	}
}

func TestCELPolicyExceptionExpires(t *testing.T) {
	for _, tt := range []struct {
		expiresAt string
		want      engine.Status
	}{{"2000-01-01T00:00:00Z", engine.StatusFail}, {"2999-01-01T00:00:00Z", engine.StatusSkip}} {
		t.Run(tt.expiresAt, func(t *testing.T) {
			doc := vpol("ValidatingPolicy", "v", noLatest) + `---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: x, namespace: team}
spec:
  policyRefs: [{name: v, kind: ValidatingPolicy}]
  expiresAt: "` + tt.expiresAt + `"
`
			res := validateOne(t, doc, engine.Request{Object: podIn("team", "bad", "x:latest")})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.want, res.Rules[0].Status)
		})
	}
}
