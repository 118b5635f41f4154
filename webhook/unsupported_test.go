package webhook_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook"
)

// A policy made only of rules the engine cannot evaluate (verifyImages here) must never admit silently: its matching
// requests get the rule's error, which denies under Enforce whatever the webhook's failure policy.
func TestUnsupportedRuleNeverAdmitsSilently(t *testing.T) {
	const doc = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: signed-images, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: %ACTION%
  failurePolicy: %FAILURE%
  rules:
  - name: signed
    match: {any: [{resources: {kinds: [Pod]}}]}
    verifyImages:
    - imageReferences: ["*"]
      attestors: [{entries: [{keys: {publicKeys: "-----BEGIN PUBLIC KEY-----"}}]}]
`
	tests := []struct {
		name, action, failure, path string
		allowed                     bool
	}{
		{"Enforce on a fail-closed webhook denies", "Enforce", "Fail", "/validate/fail/10", false},
		{"Enforce on a fail-open webhook denies too", "Enforce", "Ignore", "/validate/ignore/10", false},
		{"Audit admits with the error as a warning", "Audit", "Fail", "/validate/fail/10", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := engine.New()
			text := strings.NewReplacer("%ACTION%", tt.action, "%FAILURE%", tt.failure).Replace(doc)
			set := policy.NewLoader(e).LoadBytes("p.yaml", []byte(text))
			require.Empty(t, set.Errors)
			require.Len(t, set.Policies, 1)
			require.True(t, set.Policies[0].Runs(engine.StageValidate), "the validating webhook serves the policy")
			store := policy.NewStore()
			store.ReplaceSource("test", set.Policies, nil)
			store.MarkReady()
			h := &webhook.Handler{Engine: e, Store: store, Kinds: coreKinds()}
			w, resp := post(t, h, tt.path, review("CREATE", "Pod", "", "shop", compliantPod, "", false))
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, tt.allowed, resp.Allowed)
			if tt.allowed {
				assert.Contains(t, strings.Join(resp.Warnings, "\n"), "signed error: rule type verifyImages is not supported")
				return
			}
			require.NotNil(t, resp.Result)
			assert.Contains(t, resp.Result.Message, "signed: error: rule type verifyImages is not supported by this engine yet")
		})
	}
}
