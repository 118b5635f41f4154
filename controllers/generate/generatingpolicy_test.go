package generate_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// gpolPolicy generates, in each namespace labelled bylaw-test=<id>, a NetworkPolicy of the given policy types, with
// evaluation settings.
func gpolPolicy(id, policyTypes, evaluation string) string {
	return fmt.Sprintf(`apiVersion: policies.kyverno.io/v1
kind: GeneratingPolicy
metadata: {name: gpol-%[1]s}
spec:
  evaluation:
%[3]s
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [namespaces], operations: [CREATE, UPDATE]}
    objectSelector: {matchLabels: {bylaw-test: "%[1]s"}}
  variables:
  - name: netpol
    expression: >-
      {"apiVersion": dyn("networking.k8s.io/v1"), "kind": dyn("NetworkPolicy"), "metadata": dyn({"name": "default-deny"}),
       "spec": dyn({"podSelector": dyn({}), "policyTypes": dyn(%[2]s)})}
  generate:
  - expression: generator.Apply(object.metadata.name, [variables.netpol])
`, id, policyTypes, evaluation)
}

// admitIgnore admits the creation of obj at the fail-open webhook, which serves generating policies.
func (w *world) admitIgnore(obj client.Object) {
	w.t.Helper()
	w.reviewAt("/validate/ignore/10", admissionv1.Create, obj, nil)
}

// gpolTrigger creates a namespace that gpolPolicy selects and admits it.
func (w *world) gpolTrigger() *corev1.Namespace {
	w.t.Helper()
	ns := w.newNamespace(map[string]string{"bylaw-test": w.id})
	w.admitIgnore(ns)
	return ns
}

const gpolSync = "    synchronize: {enabled: true}"

func TestGeneratingPolicyGeneratesAndSynchronizes(t *testing.T) {
	w := newWorld(t)
	w.setPolicies(gpolPolicy(w.id, `["Ingress"]`, gpolSync))
	w.start()
	ns := w.gpolTrigger()
	np := &networkingv1.NetworkPolicy{}
	w.eventuallyObject(np, ns.Name, "default-deny", nil)
	assert.Equal(t, downstreamLabels("gpol-"+w.id, "gpol-"+w.id, ns, "Namespace", ""), np.Labels)
	w.eventuallyNoRequests()

	require.NoError(t, w.client.Delete(w.ctx, np))
	again := &networkingv1.NetworkPolicy{}
	w.eventuallyObject(again, ns.Name, "default-deny", func(c *assert.CollectT) { assert.NotEqual(c, np.UID, again.UID) })

	again.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	require.NoError(t, w.client.Update(w.ctx, again))
	w.eventuallyObject(again, ns.Name, "default-deny", func(c *assert.CollectT) {
		assert.Equal(c, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}, policyTypes(again), "reverted")
	})

	w.setPolicies(gpolPolicy(w.id, `["Ingress", "Egress"]`, gpolSync))
	w.eventuallyObject(again, ns.Name, "default-deny", func(c *assert.CollectT) {
		assert.Equal(c, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress},
			policyTypes(again), "the policy change propagated")
	})
}

func TestGeneratingPolicyGenerateExisting(t *testing.T) {
	tests := []struct {
		name       string
		evaluation string
		want       bool
	}{
		{"generateExisting generates for an existing namespace", "    generateExisting: {enabled: true}", true},
		{"without it an existing namespace gets nothing", "    generateExisting: {enabled: false}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			existing := w.newNamespace(map[string]string{"bylaw-test": w.id})
			w.start()
			w.setPolicies(gpolPolicy(w.id, `["Ingress"]`, tt.evaluation))
			probe := w.gpolTrigger() // admitted afterwards: once it has its copy, the existing one would have had its own
			w.eventuallyObject(&networkingv1.NetworkPolicy{}, probe.Name, "default-deny", nil)
			w.eventuallyNoRequests()
			assertPresent(t, w.env, &networkingv1.NetworkPolicy{}, existing.Name, "default-deny", tt.want)
		})
	}
}

func TestGeneratingPolicyRemoved(t *testing.T) {
	tests := []struct {
		name       string
		evaluation string
		kept       bool
	}{
		{"synchronized downstream is deleted with the policy", gpolSync, false},
		{"orphanDownstreamOnPolicyDelete keeps it", gpolSync + "\n    orphanDownstreamOnPolicyDelete: {enabled: true}", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.setPolicies(gpolPolicy(w.id, `["Ingress"]`, tt.evaluation), canary(w.id))
			w.start()
			ns := w.gpolTrigger()
			w.eventuallyObject(&networkingv1.NetworkPolicy{}, ns.Name, "default-deny", nil)
			w.eventuallyObject(&corev1.ConfigMap{}, ns.Name, "canary", nil)
			w.eventuallyNoRequests()
			w.setPolicies(canaryRemoved(w.id))
			// the synchronized canary of another policy goes in the same pass: once it is gone the removal is handled.
			w.eventuallyGone(&corev1.ConfigMap{}, ns.Name, "canary")
			if !tt.kept {
				w.eventuallyGone(&networkingv1.NetworkPolicy{}, ns.Name, "default-deny")
				return
			}
			require.NoError(t, w.client.Get(w.ctx, client.ObjectKey{Namespace: ns.Name, Name: "default-deny"}, &networkingv1.NetworkPolicy{}))
		})
	}
}

// canary is a second synchronized generating policy: its copy going with it shows the removal was handled.
func canary(id string) string {
	return fmt.Sprintf(`apiVersion: policies.kyverno.io/v1
kind: GeneratingPolicy
metadata: {name: canary-%[1]s}
spec:
  evaluation: {synchronize: {enabled: true}}
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [namespaces], operations: [CREATE]}
    objectSelector: {matchLabels: {bylaw-test: "%[1]s"}}
  generate:
  - template:
      interpolate: cel
      value: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: canary, namespace: (( object.metadata.name ))}\n"
`, id)
}

// canaryRemoved is a policy set with neither policy: an unrelated one keeps the set non-empty.
func canaryRemoved(id string) string {
	return fmt.Sprintf(`apiVersion: policies.kyverno.io/v1
kind: GeneratingPolicy
metadata: {name: other-%s}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE]}
  generate:
  - expression: generator.Apply("", [])
`, id)
}

// A NamespacedGeneratingPolicy's request for an object outside its namespace fails and writes nothing.
func TestNamespacedGeneratingPolicyConfined(t *testing.T) {
	w := newWorld(t)
	team := w.newNamespace(nil)
	w.setPolicies(fmt.Sprintf(`apiVersion: policies.kyverno.io/v1
kind: NamespacedGeneratingPolicy
metadata: {name: copy, namespace: %[1]s}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE]}
  generate:
  - expression: >-
      generator.Apply(object.metadata.name == "escape" ? "%[2]s" : "%[1]s",
        [{"apiVersion": dyn("v1"), "kind": dyn("ConfigMap"), "metadata": dyn({"name": object.metadata.name + "-copy"})}])
`, team.Name, w.source))
	w.start()
	w.admitIgnore(w.configMap(team.Name, "ok", nil, nil))
	w.eventuallyObject(&corev1.ConfigMap{}, team.Name, "ok-copy", nil)
	w.eventuallyNoRequests()
	w.admitIgnore(w.configMap(team.Name, "escape", nil, nil))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		reqs := w.requests()
		if assert.Len(c, reqs, 1) {
			assert.Contains(c, fmt.Sprint(reqs[0].Status.Conditions),
				fmt.Sprintf("namespace %q is outside the policy's namespace %q", w.source, team.Name))
		}
	}, wait, 100*time.Millisecond)
	assertPresent(t, w.env, &corev1.ConfigMap{}, w.source, "escape-copy", false)
}

// A synchronized GeneratingPolicy that copies an object it reads with resource.Get keeps the copies in line with it.
func TestGeneratingPolicyFollowsItsSource(t *testing.T) {
	w := newWorld(t)
	w.setPolicies(fmt.Sprintf(`apiVersion: policies.kyverno.io/v1
kind: GeneratingPolicy
metadata: {name: copy-%[1]s}
spec:
  evaluation: {synchronize: {enabled: true}}
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [namespaces], operations: [CREATE]}
    objectSelector: {matchLabels: {bylaw-test: "%[1]s"}}
  variables:
  - {name: base, expression: 'resource.Get("v1", "configmaps", "%[2]s", "base")'}
  generate:
  - expression: >-
      generator.Apply(object.metadata.name, [{"apiVersion": dyn("v1"), "kind": dyn("ConfigMap"),
        "metadata": dyn({"name": "base-copy"}), "data": dyn(variables.base.data)}])
`, w.id, w.source))
	w.start()
	ns := w.gpolTrigger()
	cm := &corev1.ConfigMap{}
	w.eventuallyObject(cm, ns.Name, "base-copy", func(c *assert.CollectT) {
		assert.Equal(c, map[string]string{"level": "info"}, cm.Data)
	})
	w.eventuallyNoRequests()
	base := &corev1.ConfigMap{}
	require.NoError(t, w.client.Get(w.ctx, client.ObjectKey{Namespace: w.source, Name: "base"}, base))
	base.Data = map[string]string{"level": "debug"}
	require.NoError(t, w.client.Update(w.ctx, base))
	w.eventuallyObject(cm, ns.Name, "base-copy", func(c *assert.CollectT) {
		assert.Equal(c, map[string]string{"level": "debug"}, cm.Data, "the source change propagated")
	})
}
