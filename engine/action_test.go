package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

func TestRuleFailureAction(t *testing.T) {
	tests := []struct {
		name    string
		spec    string
		rule    string
		want    engine.Action
		blocked bool
	}{
		{"policy-wide Enforce", "  validationFailureAction: Enforce\n", "", engine.ActionEnforce, true},
		{"default is Audit", "", "", engine.ActionAudit, false},
		{"rule failureAction wins", "  validationFailureAction: Audit\n", "      failureAction: Enforce\n", engine.ActionEnforce, true},
		{"rule override for the namespace", "", "      failureAction: Enforce\n      failureActionOverrides: [{action: Audit, namespaces: [sh*]}]\n",
			engine.ActionAudit, false},
		{"policy override for the namespace", "  validationFailureAction: Audit\n  validationFailureActionOverrides: [{action: Enforce, namespaces: [shop]}]\n",
			"", engine.ActionEnforce, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n" + tt.spec +
				"  rules:\n  - name: r\n    match: {any: [{resources: {kinds: [Pod]}}]}\n    validate:\n" + tt.rule +
				"      deny: {}\n"
			e := engine.New()
			set := load(t, e, doc)
			res := e.Validate(context.Background(), set.Policies[0], engine.NewInput(engine.Request{Object: pod(t, privilegedPod)}),
				engine.EvalOptions{})
			require.Len(t, res.Rules, 1)
			assert.Equal(t, engine.StatusFail, res.Rules[0].Status)
			assert.Equal(t, tt.want, res.Rules[0].Action)
			assert.Equal(t, tt.blocked, res.Blocked())
		})
	}
}
