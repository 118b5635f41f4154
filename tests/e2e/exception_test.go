package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/require"
	eventsv1 "k8s.io/api/events/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// tenantException exempts the Pods of namespace tenant named prefix* from require-tier; it lives in namespace ns.
const tenantException = `apiVersion: bylaw.dev/v1alpha1
kind: PolicyException
metadata: {name: %[1]s, namespace: %[2]s}
spec:
  match: {any: [{resources: {kinds: [Pod], namespaces: [tenant], names: ["%[1]s*"]}}]}
  exceptions: [{policyName: require-tier, ruleNames: ["*"]}]
`

// A tenant who may create PolicyExceptions in its own namespace cannot exempt itself: bylaw serve trusts exceptions
// only from --exception-namespaces (default: its own namespace). The same exception in bylaw-system exempts.
func TestExceptionsOnlyFromTrustedNamespaces(t *testing.T) {
	namespace(t, "tenant")
	applyYAML(t, `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: require-tier}
spec:
  validationFailureAction: Enforce
  rules:
  - name: tier
    match: {any: [{resources: {kinds: [Pod], namespaces: [tenant]}}]}
    validate: {message: "label tier is required", pattern: {metadata: {labels: {tier: "?*"}}}}
`)
	eventually(t, admissionWait, "require-tier enforced", func() error {
		return deniedWith(createDryRun(pod("tenant", "probe", false, nil)), "require-tier", "label tier is required")
	})
	ctx := context.Background()
	applyYAML(t, fmt.Sprintf(tenantException, "self-exempt", "tenant"))
	var x v1alpha1.PolicyException
	eventually(t, admissionWait, "the tenant's exception is refused", func() error {
		if err := env.client.Get(ctx, client.ObjectKey{Namespace: "tenant", Name: "self-exempt"}, &x); err != nil {
			return err
		}
		if c := apimeta.FindStatusCondition(x.Status.Conditions, meta.ReadyCondition); c == nil || c.Reason != "UntrustedNamespace" {
			return fmt.Errorf("Ready %+v", c)
		}
		// The conditions and observedGeneration may land in two status patches: wait for both.
		return readyIs(x.Status.Conditions, x.Generation, x.Status.ObservedGeneration, "False")
	})
	require.Contains(t, apimeta.FindStatusCondition(x.Status.Conditions, meta.ReadyCondition).Message,
		"trusted only from namespaces "+bylawNamespace+" (bylaw serve --exception-namespaces)")
	eventually(t, admissionWait, "UntrustedNamespace event", func() error { return untrustedEvent(ctx) })

	applyYAML(t, fmt.Sprintf(tenantException, "approved", bylawNamespace))
	eventually(t, admissionWait, "the exception in "+bylawNamespace+" exempts", func() error {
		return createDryRun(pod("tenant", "approved-1", false, nil))
	})
	require.NoError(t, deniedWith(createDryRun(pod("tenant", "self-exempt-1", false, nil)), "require-tier",
		"label tier is required"), "the tenant's own exception exempts nothing")
	deleteYAML(t, fmt.Sprintf(tenantException, "approved", bylawNamespace))
	deleteYAML(t, fmt.Sprintf(tenantException, "self-exempt", "tenant"))
	deleteYAML(t, "apiVersion: bylaw.dev/v1alpha1\nkind: ClusterPolicy\nmetadata: {name: require-tier}\n")
}

func untrustedEvent(ctx context.Context) error {
	var list eventsv1.EventList
	if err := env.client.List(ctx, &list, client.InNamespace("tenant")); err != nil {
		return err
	}
	for _, e := range list.Items {
		if e.Reason == "UntrustedNamespace" && e.Regarding.Name == "self-exempt" &&
			strings.Contains(e.Note, "--exception-namespaces") {
			return nil
		}
	}
	return fmt.Errorf("%d events in tenant, none UntrustedNamespace for self-exempt", len(list.Items))
}
