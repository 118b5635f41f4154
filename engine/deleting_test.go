package engine_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// dpol returns a deleting policy document on Pods with the given spec lines appended (two-space indented).
func dpol(kind, namespace, extra string) string {
	return `apiVersion: policies.kyverno.io/v1alpha1
kind: ` + kind + `
metadata: {name: cleanup, namespace: ` + namespace + `}
spec:
  schedule: "*/5 * * * *"
  matchConstraints:
    resourceRules:
    - apiGroups: [""]
      apiVersions: [v1]
      operations: [CREATE]
      resources: [pods]
` + extra
}

func labelledPod(namespace, name string, labels map[string]any) map[string]any {
	p := podIn(namespace, name, "nginx:1.2")
	p["metadata"].(map[string]any)["labels"] = labels
	return p
}

func TestDeletingPolicyCleanup(t *testing.T) {
	expired := `  variables:
  - name: expiry
    expression: "has(object.metadata.labels) && 'expires' in object.metadata.labels ? object.metadata.labels['expires'] : ''"
  conditions:
  - name: labelled
    expression: "variables.expiry != ''"
  - name: past
    expression: "timestamp(variables.expiry) < time.now()"
`
	old := labelledPod("team", "old", map[string]any{"expires": "2001-01-01T00:00:00Z"})
	future := labelledPod("team", "new", map[string]any{"expires": "2999-01-01T00:00:00Z"})
	bare := podIn("team", "bare", "nginx:1.2")
	broken := labelledPod("team", "broken", map[string]any{"expires": "not a time"})
	other := labelledPod("elsewhere", "old", map[string]any{"expires": "2001-01-01T00:00:00Z"})
	cm := map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "c", "namespace": "team"}}
	cases := []struct {
		name, doc string
		obj       map[string]any
		want      engine.Status
		message   string
	}{
		{"conditions hold: deleted", dpol("DeletingPolicy", "", expired), old, engine.StatusPass, "resource matched"},
		{"a condition is false: kept", dpol("DeletingPolicy", "", expired), future, engine.StatusFail, "condition past is false"},
		{"first condition false: kept", dpol("DeletingPolicy", "", expired), bare, engine.StatusFail, "condition labelled is false"},
		{"condition error: kept, error", dpol("DeletingPolicy", "", expired), broken, engine.StatusError, "resulted in error"},
		{"other kind: not matched", dpol("DeletingPolicy", "", expired), cm, engine.StatusFail, "resource did not match"},
		{"no conditions: every selected object", dpol("DeletingPolicy", "", ""), bare, engine.StatusPass, "resource matched"},
		{"namespaced policy, own namespace", dpol("NamespacedDeletingPolicy", "team", expired), old, engine.StatusPass, "resource matched"},
		{"namespaced policy, other namespace", dpol("NamespacedDeletingPolicy", "team", expired), other, engine.StatusFail, "resource did not match"},
		{"namespaceSelector", dpol("DeletingPolicy", "", "    namespaceSelector: {matchLabels: {env: dev}}\n"), bare,
			engine.StatusFail, "resource did not match"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			e := engine.New()
			set := load(t, e, tt.doc)
			require.Len(t, set.Policies, 1)
			p := set.Policies[0]
			in := engine.NewInput(engine.Request{Object: tt.obj, NamespaceLabels: map[string]string{"env": "prod"}})
			res := e.Evaluate(t.Context(), p, in, engine.EvalOptions{})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.want, res.Rules[0].Status, res.Rules[0].Message)
			assert.Contains(t, res.Rules[0].Message, tt.message)
			assert.Equal(t, engine.RuleDelete, res.Rules[0].Type)
			assert.Equal(t, "cleanup", res.Rules[0].Rule)
			// Admission, scans and webhook registration never see a cleanup policy.
			assert.False(t, p.Runs(engine.StageMutate|engine.StageValidate|engine.StageTrigger|engine.StageScan))
			assert.True(t, p.Runs(engine.StageCleanup))
			assert.Empty(t, e.Validate(t.Context(), p, in, engine.EvalOptions{}).Rules)
		})
	}
}

func TestDeletingPolicyCompile(t *testing.T) {
	base := func(schedule, extra string) string {
		return strings.Replace(dpol("DeletingPolicy", "", extra), `"*/5 * * * *"`, schedule, 1)
	}
	cases := []struct {
		name, doc, wantErr string
	}{
		{"bad schedule", base(`"61 * * * *"`, ""), "spec.schedule"},
		{"missing schedule", base(`""`, ""), "spec.schedule: required"},
		{"time zone alone (the cron parser panics on it)", base(`"TZ="`, ""), "a time zone must be followed by the schedule"},
		{"unknown time zone", base(`"TZ=Nowhere/City 0 * * * *"`, ""), "spec.schedule"},
		{"bad propagation", base(`"@hourly"`, "  deletionPropagationPolicy: Sideways\n"), "spec.deletionPropagationPolicy"},
		{"condition not boolean", base(`"@hourly"`, "  conditions: [{name: c, expression: \"'x'\"}]\n"), "conditions[0]"},
		{"unknown variable", base(`"@hourly"`, "  conditions: [{name: c, expression: \"variables.nope\"}]\n"), "conditions[0]"},
		{"no resource rules", `apiVersion: policies.kyverno.io/v1
kind: DeletingPolicy
metadata: {name: d}
spec: {schedule: "@daily", matchConstraints: {}}
`, "spec.matchConstraints.resourceRules: required"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			set := policy.NewLoader(engine.New()).LoadBytes("d.yaml", []byte(tt.doc))
			require.Len(t, set.Errors, 1)
			assert.Contains(t, set.Errors[0].Error(), tt.wantErr)
			assert.Empty(t, set.Policies)
		})
	}
}

func TestDeletingPolicyScheduleAndTargets(t *testing.T) {
	e := engine.New()
	doc := strings.Replace(dpol("NamespacedDeletingPolicy", "team", "  deletionPropagationPolicy: Foreground\n"),
		`"*/5 * * * *"`, `"30 2 * * *"`, 1)
	c := load(t, e, doc).Policies[0].Cleanup()
	require.NotNil(t, c)
	from := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	assert.Equal(t, time.Date(2026, 12, 8, 2, 30, 0, 0, time.UTC), c.Next(from))
	assert.Equal(t, "Foreground", c.Propagation)
	assert.Equal(t, []engine.CleanupTarget{{Groups: []string{""}, Versions: []string{"v1"}, Resources: []string{"pods"},
		Namespace: "team"}}, c.Targets)
	assert.True(t, c.NamesNamespace("team"))
	assert.False(t, c.NamesNamespace("bylaw-system"))

	cluster := load(t, e, dpol("DeletingPolicy", "", `    namespaceSelector:
      matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [bylaw-system, x]}]
`)).Policies[0].Cleanup()
	assert.True(t, cluster.NamesNamespace("bylaw-system"))
	assert.Equal(t, "", cluster.Targets[0].Namespace)
	assert.False(t, load(t, e, dpol("DeletingPolicy", "", "")).Policies[0].Cleanup().NamesNamespace("bylaw-system"))
	// Other policies are no cleanup policies.
	assert.Nil(t, load(t, e, vpol("ValidatingPolicy", "v", noLatest)).Policies[0].Cleanup())
}

// A CEL PolicyException naming the deleting policy keeps the resources it matches, even with reportResult: pass.
func TestDeletingPolicyException(t *testing.T) {
	exception := func(report string) string {
		return `---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: keep-precious, namespace: team}
spec:
  reportResult: ` + report + `
  policyRefs: [{name: cleanup, kind: DeletingPolicy}]
  matchConditions: [{name: precious, expression: "object.metadata.name == 'precious'"}]
`
	}
	tests := []struct {
		name, report, pod string
		want              engine.Status
	}{
		{"exempted", "skip", "precious", engine.StatusSkip},
		{"exempted with reportResult pass", "pass", "precious", engine.StatusSkip},
		{"not exempted", "skip", "other", engine.StatusPass},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine.New()
			set := load(t, e, dpol("DeletingPolicy", "", "")+exception(tt.report))
			require.Len(t, set.Exceptions, 1)
			in := engine.NewInput(engine.Request{Object: podIn("team", tt.pod, "nginx:1.2")})
			res := e.Cleanup(t.Context(), set.Policies[0], in, engine.EvalOptions{Exceptions: set.Exceptions})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, tt.want, res.Rules[0].Status, res.Rules[0].Message)
		})
	}
}
