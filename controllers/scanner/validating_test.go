package scanner_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/controllers/scanner"
)

const vpolRequireTeam = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: vpol-team}
spec:
  autogen: {podControllers: {controllers: []}}
  validationActions: [Audit]
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: "label team is required"
`

const vpolAdmissionOnly = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: vpol-admission-only}
spec:
  autogen: {podControllers: {controllers: []}}
  evaluation: {background: {enabled: false}}
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE]}
  validations:
  - expression: "false"
`

const celExceptLegacy = `apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: legacy, namespace: default}
spec:
  policyRefs: [{name: vpol-team, kind: ValidatingPolicy}]
  reportResult: pass
  matchConditions:
  - {name: legacy, expression: "object.metadata.name == 'legacy'"}
`

// Background-enabled ValidatingPolicies are scanned through their resources; their results and a CEL exception's
// reportResult reach the reports, under the policy name and the engine rule name.
func TestScanValidatingPolicies(t *testing.T) {
	h := start(t, scanner.Options{}, vpolRequireTeam, vpolAdmissionOnly, celExceptLegacy)
	ns := h.namespace("scan-vpol", nil)
	h.pod(ns, "labelled", map[string]string{"team": "a"})
	h.pod(ns, "bare", nil)
	h.pod(ns, "legacy", nil)
	h.eventually(ns, summaryCounts{Pass: 2, Fail: 1})
	require.Eventually(t, h.scanner.Synced, 10*time.Second, 20*time.Millisecond)
	r, err := h.book.Report(ns)
	require.NoError(t, err)
	polr, ok := r.Object.(*v1alpha2.PolicyReport)
	require.True(t, ok, "a namespace's report is a PolicyReport")
	require.Len(t, polr.Results, 3)
	for _, res := range polr.Results {
		assert.Equal(t, "vpol-team", res.Policy)
		assert.Equal(t, "vpol-team", res.Rule)
		if res.Resources[0].Name == "bare" {
			assert.Equal(t, "label team is required", res.Message)
		}
	}
}
