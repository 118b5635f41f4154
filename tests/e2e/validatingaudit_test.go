package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/reports"
)

const e2eVPolAudit = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: vpol-audit-owner}
spec:
  validationActions: [Audit]
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: vpol-audit}}
  validations:
  - expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels"
    message: "label owner is recommended"
`

// An Audit ValidatingPolicy admits a failing Pod and its failure shows in the namespace's PolicyReport, under the
// policy name with the policy name as rule.
func TestValidatingPolicyAuditInPolicyReport(t *testing.T) {
	ctx := context.Background()
	namespace(t, "vpol-audit")
	applyYAML(t, e2eVPolAudit)
	t.Cleanup(func() { deleteYAML(t, e2eVPolAudit) })
	eventually(t, admissionWait, "the failing Pod is admitted", func() error {
		return env.client.Create(ctx, pod("vpol-audit", "no-owner", false, nil))
	})
	eventually(t, reportWait, "the Audit failure is in the PolicyReport", func() error {
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(schema.GroupVersionKind{Group: "wgpolicyk8s.io", Version: "v1alpha2", Kind: "PolicyReport"})
		if err := env.client.Get(ctx, client.ObjectKey{Namespace: "vpol-audit", Name: reports.PolicyReportName}, u); err != nil {
			return err
		}
		results, _, _ := unstructured.NestedSlice(u.Object, "results")
		for _, r := range results {
			m, _ := r.(map[string]any)
			if m["policy"] == "vpol-audit-owner" && m["rule"] == "vpol-audit-owner" && m["result"] == "fail" &&
				m["message"] == "label owner is recommended" {
				return nil
			}
		}
		return fmt.Errorf("no fail result of vpol-audit-owner in %v", results)
	})
	require.NoError(t, env.client.Delete(ctx, pod("vpol-audit", "no-owner", false, nil)))
}
