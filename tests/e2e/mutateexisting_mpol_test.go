package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// e2eMutateExistingMPol labels the existing ConfigMaps labelled app: mpol-target of every namespace with the name of
// the trigger, a ConfigMap whose name starts with "trigger" created in namespace mpol-existing-a.
const e2eMutateExistingMPol = `apiVersion: policies.kyverno.io/v1
kind: MutatingPolicy
metadata: {name: e2e-mpol-existing}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
    namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: mpol-existing-a}}
  matchConditions:
  - {name: trigger, expression: "object.metadata.name.startsWith('trigger')"}
  targetMatchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [UPDATE], resources: [configmaps]}
    objectSelector: {matchLabels: {app: mpol-target}}
  evaluation:
    mutateExisting: {enabled: true}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'cluster-trigger': request.name}}}"
`

// e2eNamespacedMutateExisting is the same for a NamespacedMutatingPolicy of mpol-existing-b: it may patch the
// targets of its own namespace only.
const e2eNamespacedMutateExisting = `apiVersion: policies.kyverno.io/v1
kind: NamespacedMutatingPolicy
metadata: {name: e2e-nmpol-existing, namespace: mpol-existing-b}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
  matchConditions:
  - {name: trigger, expression: "object.metadata.name.startsWith('trigger')"}
  targetMatchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], operations: [UPDATE], resources: [configmaps]}
    objectSelector: {matchLabels: {app: mpol-target}}
  evaluation:
    mutateExisting: {enabled: true}
  mutations:
  - patchType: ApplyConfiguration
    applyConfiguration:
      expression: "Object{metadata: Object.metadata{labels: {'local-trigger': request.name}}}"
`

// A mutateExisting MutatingPolicy patches existing ConfigMaps when its trigger is created, through the generate
// controller; the namespaced kind patches only the targets of its own namespace.
func TestMutateExistingMutatingPolicy(t *testing.T) {
	ctx := context.Background()
	for _, ns := range []string{"mpol-existing-a", "mpol-existing-b"} {
		namespace(t, ns)
		target := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "target",
			Labels: map[string]string{"app": "mpol-target"}}, Data: map[string]string{"k": "v"}}
		require.NoError(t, client.IgnoreAlreadyExists(env.client.Create(ctx, target)))
		bystander := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "bystander"}}
		require.NoError(t, client.IgnoreAlreadyExists(env.client.Create(ctx, bystander)))
	}
	for _, doc := range []string{e2eMutateExistingMPol, e2eNamespacedMutateExisting} {
		applyYAML(t, doc)
		t.Cleanup(func() { deleteYAML(t, doc) })
	}
	tests := []struct {
		name      string
		triggerNS string
		label     string
		patched   []string // namespaces whose target gets the label
		untouched []string // namespaces whose target must not get it
	}{
		{name: "cluster policy patches targets in every namespace", triggerNS: "mpol-existing-a", label: "cluster-trigger",
			patched: []string{"mpol-existing-a", "mpol-existing-b"}},
		{name: "namespaced policy patches only its own namespace", triggerNS: "mpol-existing-b", label: "local-trigger",
			patched: []string{"mpol-existing-b"}, untouched: []string{"mpol-existing-a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			trigger := triggerUntilPatched(t, tt.triggerNS, tt.label, tt.patched[0])
			for _, ns := range tt.patched {
				eventually(t, admissionWait, "target in "+ns+" patched", func() error {
					return labelIs(ctx, ns, "target", tt.label, trigger)
				})
				require.NoError(t, labelIs(ctx, ns, "bystander", tt.label, ""), "a ConfigMap the target constraints do not select is left alone")
			}
			time.Sleep(2 * time.Second) // the controller has run the request: a wrong patch would be there by now
			for _, ns := range tt.untouched {
				assert.NoError(t, labelIs(ctx, ns, "target", tt.label, ""), "a namespaced policy never patches outside its namespace")
			}
		})
	}
}

// triggerUntilPatched creates triggers in ns (a new one each try, since the webhook may not be registered for
// ConfigMaps yet) until the target of namespace want carries label; it returns the name of the trigger that did.
func triggerUntilPatched(t *testing.T, ns, label, want string) string {
	t.Helper()
	ctx := context.Background()
	var name string
	eventually(t, admissionWait, "a trigger in "+ns+" patches the target of "+want, func() error {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: ns, GenerateName: "trigger-"}}
		if err := env.client.Create(ctx, cm); err != nil {
			return err
		}
		var last error
		for range 20 {
			if last = labelIs(ctx, want, "target", label, cm.Name); last == nil {
				name = cm.Name
				return nil
			}
			time.Sleep(250 * time.Millisecond)
		}
		return last
	})
	return name
}

// labelIs returns nil when the ConfigMap ns/name has label set to value ("" for absent).
func labelIs(ctx context.Context, ns, name, label, value string) error {
	var cm corev1.ConfigMap
	if err := env.client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &cm); err != nil {
		return err
	}
	if got := cm.Labels[label]; got != value {
		return fmt.Errorf("ConfigMap %s/%s: label %s is %q, want %q", ns, name, label, got, value)
	}
	return nil
}
