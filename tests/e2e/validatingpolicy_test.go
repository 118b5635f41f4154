package e2e

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const e2eVPolDeny = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: vpol-require-owner}
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: vpol-e2e}}
  validations:
  - expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels"
    message: "label owner is required"
`

const e2eVPolWarn = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: vpol-warn-tier}
spec:
  validationActions: [Warn]
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: vpol-e2e}}
  validations:
  - expression: "has(object.metadata.labels) && 'tier' in object.metadata.labels"
    message: "label tier is recommended"
`

const e2eNamespacedVPol = `apiVersion: policies.kyverno.io/v1
kind: NamespacedValidatingPolicy
metadata: {name: vpol-local-team, namespace: vpol-e2e}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: "label team is required in vpol-e2e"
`

const e2eCELException = `apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: vpol-legacy, namespace: ` + bylawNamespace + `}
spec:
  policyRefs: [{name: vpol-require-owner, kind: ValidatingPolicy}]
  matchConditions:
  - {name: legacy, expression: "object.metadata.name == 'legacy'"}
`

// warningLog collects the admission warningLog the API server returns to a client.
type warningLog struct {
	mu   sync.Mutex
	list []string
}

func (w *warningLog) HandleWarningHeader(_ int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

func (w *warningLog) contains(part string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range w.list {
		if strings.Contains(s, part) {
			return true
		}
	}
	return false
}

// ValidatingPolicies applied as objects: Deny denies with the message, a CEL PolicyException exempts one Pod and
// not another, Warn reaches the client as a warning, and a NamespacedValidatingPolicy acts only in its namespace.
func TestValidatingPoliciesInTheCluster(t *testing.T) {
	namespace(t, "vpol-e2e")
	namespace(t, "vpol-other")
	for _, doc := range []string{e2eVPolDeny, e2eVPolWarn, e2eNamespacedVPol, e2eCELException} {
		applyYAML(t, doc)
		t.Cleanup(func() { deleteYAML(t, doc) })
	}
	labels := map[string]string{"team": "a"}
	eventually(t, admissionWait, "Deny policy enforced", func() error {
		return deniedWith(createDryRun(pod("vpol-e2e", "web", false, labels)), "vpol-require-owner", "label owner is required")
	})
	eventually(t, admissionWait, "the CEL exception exempts legacy", func() error {
		return createDryRun(pod("vpol-e2e", "legacy", false, labels))
	})
	require.NoError(t, deniedWith(createDryRun(pod("vpol-e2e", "other", false, labels)), "label owner is required"),
		"the exception exempts only the Pod it matches")

	eventually(t, admissionWait, "the namespaced policy acts in its namespace", func() error {
		return deniedWith(createDryRun(pod("vpol-e2e", "legacy", false, nil)), "vpol-e2e/vpol-local-team",
			"label team is required in vpol-e2e")
	})
	require.NoError(t, createDryRun(pod("vpol-other", "web", false, nil)), "the namespaced policy acts elsewhere")

	seen := &warningLog{}
	cfg := rest.CopyConfig(env.cfg)
	cfg.WarningHandler = seen
	c, err := client.New(cfg, client.Options{Scheme: env.client.Scheme()})
	require.NoError(t, err)
	owned := map[string]string{"team": "a", "owner": "o"}
	eventually(t, admissionWait, "Warn reaches the client", func() error {
		if err := c.Create(context.Background(), pod("vpol-e2e", "warned", false, owned), client.DryRunAll); err != nil {
			return fmt.Errorf("want admitted: %w", err)
		}
		if !seen.contains("label tier is recommended") {
			return errors.New("no warning with the message yet")
		}
		return nil
	})
}
