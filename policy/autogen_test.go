package policy

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

func ruleNames(p *engine.Policy) []string {
	var out []string
	for _, r := range p.Rules {
		out = append(out, r.Name)
	}
	return out
}

func TestAutogen(t *testing.T) {
	base := `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
  annotations: %s
spec:
  rules:
  - name: r
    match: %s
    validate:
      pattern: {spec: {=(hostPID): "false"}}
`
	tests := []struct {
		name        string
		annotations string
		match       string
		want        []string
	}{
		{name: "pod rule gets controller and cronjob rules", annotations: "{}", match: "{any: [{resources: {kinds: [Pod]}}]}",
			want: []string{"r", "autogen-r", "autogen-cronjob-r"}},
		{name: "annotation none", annotations: "{pod-policies.kyverno.io/autogen-controllers: none}",
			match: "{any: [{resources: {kinds: [Pod]}}]}", want: []string{"r"}},
		{name: "annotation picks Deployment only", annotations: "{pod-policies.kyverno.io/autogen-controllers: Deployment}",
			match: "{any: [{resources: {kinds: [Pod]}}]}", want: []string{"r", "autogen-r"}},
		{name: "bylaw annotation", annotations: "{pod-policies.bylaw.dev/autogen-controllers: CronJob}",
			match: "{any: [{resources: {kinds: [Pod]}}]}", want: []string{"r"}},
		{name: "names disable autogen", annotations: "{}", match: "{any: [{resources: {kinds: [Pod], names: [x]}}]}",
			want: []string{"r"}},
		{name: "mixed kinds disable autogen", annotations: "{}", match: "{any: [{resources: {kinds: [Pod, Service]}}]}",
			want: []string{"r"}},
		{name: "non-pod rule", annotations: "{}", match: "{any: [{resources: {kinds: [Service]}}]}", want: []string{"r"}},
	}
	l := NewLoader(engine.New())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := fmt.Sprintf(base, tt.annotations, tt.match)
			set := l.LoadBytes("p.yaml", []byte(doc))
			require.Empty(t, set.Errors)
			require.Len(t, set.Policies, 1)
			assert.Equal(t, tt.want, ruleNames(set.Policies[0]))
		})
	}
}

func TestAutogenEvaluatesControllers(t *testing.T) {
	doc := `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      deny:
        conditions:
          any:
          - key: "{{ request.object.spec.hostNetwork || false }}"
            operator: Equals
            value: true
`
	e := engine.New()
	set := NewLoader(e).LoadBytes("p.yaml", []byte(doc))
	require.Empty(t, set.Errors)
	deploy := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d"},
		"spec": map[string]any{"template": map[string]any{"spec": map[string]any{"hostNetwork": true}}}}
	cron := map[string]any{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": map[string]any{"name": "c"},
		"spec": map[string]any{"jobTemplate": map[string]any{"spec": map[string]any{"template": map[string]any{
			"spec": map[string]any{"hostNetwork": false}}}}}}
	res := e.Validate(t.Context(), set.Policies[0], engine.NewInput(engine.Request{Object: deploy}), engine.EvalOptions{})
	require.Len(t, res.Rules, 1)
	assert.Equal(t, "autogen-r", res.Rules[0].Rule)
	assert.Equal(t, engine.StatusFail, res.Rules[0].Status)
	res = e.Validate(t.Context(), set.Policies[0], engine.NewInput(engine.Request{Object: cron}), engine.EvalOptions{})
	require.Len(t, res.Rules, 1)
	assert.Equal(t, "autogen-cronjob-r", res.Rules[0].Rule)
	assert.Equal(t, engine.StatusPass, res.Rules[0].Status)
}
