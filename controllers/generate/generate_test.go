package generate_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// bootstrapPolicy generates, in each namespace labelled bylaw-test=<id>, a NetworkPolicy from data (its policy types,
// synchronize and orphanDownstreamOnPolicyDelete given) and a synchronized clone of ConfigMap base from namespace source.
func bootstrapPolicy(id, source, policyTypes, extraSpec string, synchronize, orphan bool) string {
	return fmt.Sprintf(`apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: bootstrap-%[1]s}
spec:
%[4]s  rules:
  - name: default-deny
    match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {bylaw-test: "%[1]s"}}}}]}
    generate:
      synchronize: %[5]t
      orphanDownstreamOnPolicyDelete: %[6]t
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      name: default-deny
      namespace: "{{request.object.metadata.name}}"
      data:
        spec:
          podSelector: {}
          policyTypes: %[3]s
  - name: base-config
    match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {bylaw-test: "%[1]s"}}}}]}
    generate:
      synchronize: true
      apiVersion: v1
      kind: ConfigMap
      name: base-config
      namespace: "{{request.object.metadata.name}}"
      clone: {namespace: %[2]s, name: base}
`, id, source, policyTypes, extraSpec, synchronize, orphan)
}

// world is a test's source namespace with ConfigMap base, and its id.
type world struct {
	*env
	id     string
	source string
}

func newWorld(t *testing.T) *world {
	e := newEnv(t)
	src := e.newNamespace(nil)
	e.configMap(src.Name, "base", nil, map[string]string{"level": "info"})
	return &world{env: e, id: rand.String(6), source: src.Name}
}

// trigger creates a namespace selected by the bootstrap policy and admits it.
func (w *world) trigger() *corev1.Namespace {
	w.t.Helper()
	ns := w.newNamespace(map[string]string{"bylaw-test": w.id})
	w.admit(admissionv1.Create, ns)
	return ns
}

func policyTypes(np *networkingv1.NetworkPolicy) []networkingv1.PolicyType {
	return np.Spec.PolicyTypes
}

func TestGenerateAndSynchronize(t *testing.T) {
	w := newWorld(t)
	w.setPolicies(bootstrapPolicy(w.id, w.source, "[Ingress]", "", true, false))
	w.start()
	ns := w.trigger()
	key := "bootstrap-" + w.id

	np := &networkingv1.NetworkPolicy{}
	cm := &corev1.ConfigMap{}
	t.Run("a created namespace gets a NetworkPolicy from data and a ConfigMap cloned, labelled", func(t *testing.T) {
		w.eventuallyObject(np, ns.Name, "default-deny", nil)
		assert.Equal(t, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}, policyTypes(np))
		assert.Equal(t, downstreamLabels(key, "default-deny", ns, "Namespace", ""), np.Labels)
		w.eventuallyObject(cm, ns.Name, "base-config", nil)
		assert.Equal(t, map[string]string{"level": "info"}, cm.Data)
		assert.Equal(t, downstreamLabels(key, "base-config", ns, "Namespace", ""), cm.Labels)
		w.eventuallyNoRequests()
	})
	t.Run("a deleted generated object is re-created", func(t *testing.T) {
		uid := np.UID
		require.NoError(t, w.client.Delete(w.ctx, np))
		w.eventuallyObject(np, ns.Name, "default-deny", func(c *assert.CollectT) { assert.NotEqual(c, uid, np.UID) })
	})
	t.Run("drift is reverted", func(t *testing.T) {
		cm.Data["level"] = "debug"
		require.NoError(t, w.client.Update(w.ctx, cm))
		w.eventuallyObject(cm, ns.Name, "base-config", func(c *assert.CollectT) { assert.Equal(c, "info", cm.Data["level"]) })
	})
	t.Run("changed policy data updates the downstream", func(t *testing.T) {
		w.setPolicies(bootstrapPolicy(w.id, w.source, "[Ingress, Egress]", "", true, false))
		w.eventuallyObject(np, ns.Name, "default-deny", func(c *assert.CollectT) {
			assert.Equal(c, []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}, policyTypes(np))
		})
	})
	t.Run("a deleted trigger takes its synchronized downstream with it", func(t *testing.T) {
		w.admit(admissionv1.Delete, ns)
		require.NoError(t, w.client.Delete(w.ctx, ns)) // envtest has no namespace controller: it stays Terminating
		w.eventuallyGone(&networkingv1.NetworkPolicy{}, ns.Name, "default-deny")
		w.eventuallyGone(&corev1.ConfigMap{}, ns.Name, "base-config")
		w.eventuallyNoRequests()
	})
}

func TestTriggerNoLongerSelected(t *testing.T) {
	w := newWorld(t)
	w.setPolicies(bootstrapPolicy(w.id, w.source, "[Ingress]", "", false, false))
	w.start()
	ns := w.trigger()
	w.eventuallyObject(&networkingv1.NetworkPolicy{}, ns.Name, "default-deny", nil)
	w.eventuallyObject(&corev1.ConfigMap{}, ns.Name, "base-config", nil)
	w.eventuallyNoRequests()

	ns.Labels = nil
	require.NoError(t, w.client.Update(w.ctx, ns))
	old := ns.DeepCopy()
	old.Labels = map[string]string{"bylaw-test": w.id}
	w.admitUpdate(ns, old)
	w.eventuallyGone(&corev1.ConfigMap{}, ns.Name, "base-config")
	w.eventuallyNoRequests()
	require.NoError(t, w.client.Get(w.ctx, client.ObjectKey{Namespace: ns.Name, Name: "default-deny"}, &networkingv1.NetworkPolicy{}),
		"the NetworkPolicy is not synchronized: it stays")
}

func TestGenerateExisting(t *testing.T) {
	ruleLevel := func(marker, setting string) func(string) string {
		return func(doc string) string { return strings.Replace(doc, marker, setting+"\n"+marker, 1) }
	}
	tests := []struct {
		name      string
		extraSpec string
		edit      func(string) string
		np, cm    bool // whether the existing namespace gets the NetworkPolicy and the ConfigMap
	}{
		{name: "spec.generateExisting generates for an existing namespace", extraSpec: "  generateExisting: true\n",
			np: true, cm: true},
		{name: "the deprecated generateExistingOnPolicyUpdate too", extraSpec: "  generateExistingOnPolicyUpdate: true\n",
			np: true, cm: true},
		{name: "rule-level generateExisting: only that rule",
			edit: ruleLevel("      orphanDownstreamOnPolicyDelete:", "      generateExisting: true"), np: true},
		{name: "rule-level false overrides spec-level true", extraSpec: "  generateExisting: true\n",
			edit: ruleLevel("      clone: {", "      generateExisting: false"), np: true},
		{name: "without it an existing namespace gets nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			ns := w.newNamespace(map[string]string{"bylaw-test": w.id})
			doc := bootstrapPolicy(w.id, w.source, "[Ingress]", tt.extraSpec, false, false)
			if tt.edit != nil {
				doc = tt.edit(doc)
			}
			w.start()
			// as from a signed GitSource bundle: in the store only, no ClusterPolicy object.
			w.setPoliciesFrom("gitsource/"+w.namespace+"/bundle", doc)
			probe := ns
			if !tt.np {
				// a namespace created and admitted afterwards is generated for: once it has its objects, the
				// existing namespace would have had its own.
				probe = w.trigger()
			}
			w.eventuallyObject(&networkingv1.NetworkPolicy{}, probe.Name, "default-deny", nil)
			w.eventuallyNoRequests()
			assertPresent(t, w.env, &networkingv1.NetworkPolicy{}, ns.Name, "default-deny", tt.np)
			assertPresent(t, w.env, &corev1.ConfigMap{}, ns.Name, "base-config", tt.cm)
		})
	}
}

// assertPresent asserts that the object exists, or that it does not.
func assertPresent(t *testing.T, e *env, obj client.Object, namespace, name string, want bool) {
	t.Helper()
	err := e.client.Get(e.ctx, client.ObjectKey{Namespace: namespace, Name: name}, obj)
	if want {
		assert.NoError(t, err, "%T %s/%s", obj, namespace, name)
		return
	}
	assert.True(t, apierrors.IsNotFound(err), "%T %s/%s should not exist: %v", obj, namespace, name, err)
}

func TestPolicyRemoved(t *testing.T) {
	tests := []struct {
		name        string
		synchronize bool
		orphan      bool
		kept        bool
	}{
		{"synchronized downstream is deleted with the policy", true, false, false},
		{"orphanDownstreamOnPolicyDelete keeps it", true, true, true},
		{"downstream that is not synchronized is kept", false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t)
			w.setPolicies(bootstrapPolicy(w.id, w.source, "[Ingress]", "", tt.synchronize, tt.orphan))
			w.start()
			ns := w.trigger()
			w.eventuallyObject(&networkingv1.NetworkPolicy{}, ns.Name, "default-deny", nil)
			w.eventuallyNoRequests()
			w.store.ReplaceSource("test", nil, nil)
			if !tt.kept {
				w.eventuallyGone(&networkingv1.NetworkPolicy{}, ns.Name, "default-deny")
				return
			}
			// the synchronized clone is not orphaned: once it is gone the watcher has handled the removal.
			w.eventuallyGone(&corev1.ConfigMap{}, ns.Name, "base-config")
			require.NoError(t, w.client.Get(w.ctx, client.ObjectKey{Namespace: ns.Name, Name: "default-deny"}, &networkingv1.NetworkPolicy{}))
		})
	}
}

func TestCloneList(t *testing.T) {
	w := newWorld(t)
	w.configMap(w.source, "shared-a", map[string]string{"copy": "yes"}, map[string]string{"a": "1"})
	w.configMap(w.source, "shared-b", map[string]string{"copy": "yes"}, map[string]string{"b": "2"})
	w.configMap(w.source, "private", nil, map[string]string{"c": "3"})
	w.setPolicies(fmt.Sprintf(`apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: copy-%[1]s}
spec:
  rules:
  - name: copy
    match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {bylaw-test: "%[1]s"}}}}]}
    generate:
      namespace: "{{request.object.metadata.name}}"
      cloneList: {namespace: %[2]s, kinds: [v1/ConfigMap], selector: {matchLabels: {copy: "yes"}}}
`, w.id, w.source))
	w.start()
	ns := w.trigger()
	for name, data := range map[string]map[string]string{"shared-a": {"a": "1"}, "shared-b": {"b": "2"}} {
		cm := &corev1.ConfigMap{}
		w.eventuallyObject(cm, ns.Name, name, nil)
		assert.Equal(t, data, cm.Data)
	}
	w.eventuallyNoRequests()
	w.eventuallyGone(&corev1.ConfigMap{}, ns.Name, "private")
}

func TestMutateExisting(t *testing.T) {
	w := newWorld(t)
	target := w.configMap(w.source, "target", nil, map[string]string{"x": "1"})
	w.setPolicies(fmt.Sprintf(`apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: stamp-%[1]s}
spec:
  rules:
  - name: stamp
    match: {any: [{resources: {kinds: [ConfigMap], names: [trigger], namespaces: [%[2]s]}}]}
    mutate:
      targets: [{apiVersion: v1, kind: ConfigMap, name: target, namespace: "{{request.object.metadata.namespace}}"}]
      patchStrategicMerge: {metadata: {labels: {stamped-by: "{{request.object.metadata.name}}"}}}
`, w.id, w.source))
	w.start()
	trigger := w.configMap(w.source, "trigger", nil, nil)
	w.admit(admissionv1.Create, trigger)
	w.eventuallyObject(target, w.source, "target", func(c *assert.CollectT) {
		assert.Equal(c, "trigger", target.Labels["stamped-by"])
	})
	assert.Equal(t, map[string]string{"x": "1"}, target.Data)
	w.eventuallyNoRequests()
}

func TestPendingRequestSurvivesRestart(t *testing.T) {
	w := newWorld(t)
	w.setPolicies(fmt.Sprintf(`apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: late-%[1]s}
spec:
  rules:
  - name: late
    match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {bylaw-test: "%[1]s"}}}}]}
    generate:
      apiVersion: v1
      kind: ConfigMap
      name: late
      namespace: "{{request.object.metadata.name}}"
      clone: {namespace: %[2]s, name: not-yet}
`, w.id, w.source))
	stop := w.start()
	ns := w.trigger()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		grs := w.requests()
		if assert.Len(c, grs, 1) {
			assert.GreaterOrEqual(c, grs[0].Status.Attempts, int32(1))
			assert.Contains(c, grs[0].Status.LastError, "not-yet")
		}
	}, wait, 100*time.Millisecond, "the clone source is missing: the request fails and is kept")
	stop()
	w.configMap(w.source, "not-yet", nil, map[string]string{"k": "v"})
	w.start()
	w.eventuallyObject(&corev1.ConfigMap{}, ns.Name, "late", nil)
	w.eventuallyNoRequests()
}

func TestNoDuplicates(t *testing.T) {
	w := newWorld(t)
	w.setPolicies(bootstrapPolicy(w.id, w.source, "[Ingress]", "", true, false))
	w.start()
	w.start()
	ns := w.newNamespace(map[string]string{"bylaw-test": w.id})
	for range 3 {
		w.admit(admissionv1.Create, ns)
	}
	w.eventuallyNoRequests()
	sel := client.MatchingLabels{"generate.bylaw.dev/trigger-uid": string(ns.UID)}
	var nps networkingv1.NetworkPolicyList
	require.NoError(t, w.client.List(w.ctx, &nps, client.InNamespace(ns.Name), sel))
	var cms corev1.ConfigMapList
	require.NoError(t, w.client.List(w.ctx, &cms, client.InNamespace(ns.Name), sel))
	assert.Len(t, nps.Items, 1)
	assert.Len(t, cms.Items, 1)
}
