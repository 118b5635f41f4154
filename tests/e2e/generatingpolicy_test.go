package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// e2eGPol generates a default-deny NetworkPolicy into every Namespace labelled e2e-gpol=yes, synchronised; types
// are the policyTypes it writes.
func e2eGPol(types string) string {
	return `apiVersion: policies.kyverno.io/v1
kind: GeneratingPolicy
metadata: {name: e2e-gpol-netpol}
spec:
  evaluation:
    synchronize: {enabled: true}
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [namespaces], operations: [CREATE, UPDATE]}
    objectSelector: {matchLabels: {e2e-gpol: "yes"}}
  variables:
  - name: netpol
    expression: >-
      {"apiVersion": dyn("networking.k8s.io/v1"), "kind": dyn("NetworkPolicy"),
       "metadata": dyn({"name": "gpol-default-deny"}),
       "spec": dyn({"podSelector": dyn({}), "policyTypes": dyn(` + types + `)})}
  generate:
  - expression: generator.Apply(object.metadata.name, [variables.netpol])
`
}

// e2eNGPol copies each new ConfigMap of ngpol-team; one named escape-* asks for a copy in default.
const e2eNGPol = `apiVersion: policies.kyverno.io/v1
kind: NamespacedGeneratingPolicy
metadata: {name: e2e-ngpol-copy, namespace: ngpol-team}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE]}
  matchConditions:
  - {name: not-a-copy, expression: "!object.metadata.name.endsWith('-copy') && object.metadata.name != 'kube-root-ca.crt'"}
  generate:
  - expression: >-
      generator.Apply(object.metadata.name.startsWith("escape") ? "default" : "ngpol-team",
        [{"apiVersion": dyn("v1"), "kind": dyn("ConfigMap"),
          "metadata": dyn({"name": object.metadata.name + "-copy"}), "data": dyn(object.data)}])
`

// generatingReady waits until the generating policy (cluster-wide when ns is "") is Ready for its generation.
func generatingReady(t *testing.T, ns, name string) {
	t.Helper()
	eventually(t, reportWait, "GeneratingPolicy "+name+" Ready", func() error {
		var obj client.Object = &policiesv1.GeneratingPolicy{}
		if ns != "" {
			obj = &policiesv1.NamespacedGeneratingPolicy{}
		}
		if err := env.client.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, obj); err != nil {
			return err
		}
		conds := obj.(interface{ GetConditions() []metav1.Condition }).GetConditions()
		c := apimeta.FindStatusCondition(conds, meta.ReadyCondition)
		if c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != obj.GetGeneration() {
			return fmt.Errorf("not Ready for generation %d: %+v", obj.GetGeneration(), c)
		}
		return nil
	})
}

// gpolNetpol waits until ns holds exactly one copy of the policy's NetworkPolicy that check accepts, and returns it.
func gpolNetpol(t *testing.T, ns, what string, check func(*networkingv1.NetworkPolicy) error) *networkingv1.NetworkPolicy {
	t.Helper()
	var got *networkingv1.NetworkPolicy
	eventually(t, admissionWait, what, func() error {
		var list networkingv1.NetworkPolicyList
		err := env.client.List(context.Background(), &list, client.InNamespace(ns),
			client.MatchingLabels{"generate.bylaw.dev/policy": "e2e-gpol-netpol"})
		if err != nil {
			return err
		}
		if len(list.Items) != 1 {
			return fmt.Errorf("%d copies in %s, want one", len(list.Items), ns)
		}
		got = &list.Items[0]
		return check(got)
	})
	return got
}

func policyTypes(want ...networkingv1.PolicyType) func(*networkingv1.NetworkPolicy) error {
	return func(np *networkingv1.NetworkPolicy) error {
		if !slices.Equal(np.Spec.PolicyTypes, want) {
			return fmt.Errorf("policyTypes %v, want %v", np.Spec.PolicyTypes, want)
		}
		return nil
	}
}

// A GeneratingPolicy with synchronize creates a NetworkPolicy per new Namespace; a deleted copy is re-created, a
// changed one reverted, and a change of the policy reaches the copy.
func TestGeneratingPolicySynchronizes(t *testing.T) {
	ctx := context.Background()
	applyYAML(t, e2eGPol(`["Ingress"]`))
	t.Cleanup(func() { deleteYAML(t, e2eGPol(`["Ingress"]`)) })
	generatingReady(t, "", "e2e-gpol-netpol")
	eventually(t, admissionWait, "namespaces sent to the validating webhook", namespacesRegistered)
	require.NoError(t, env.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "gpol-target",
		Labels: map[string]string{"e2e-gpol": "yes"}}}))
	t.Cleanup(func() {
		_ = env.client.Delete(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "gpol-target"}})
	})
	np := gpolNetpol(t, "gpol-target", "NetworkPolicy generated", policyTypes(networkingv1.PolicyTypeIngress))
	assert.Equal(t, "bylaw", np.Labels["app.kubernetes.io/managed-by"])
	assert.Equal(t, "gpol-default-deny", np.Name)

	require.NoError(t, env.client.Delete(ctx, np))
	again := gpolNetpol(t, "gpol-target", "deleted copy re-created", func(n *networkingv1.NetworkPolicy) error {
		if n.UID == np.UID {
			return errors.New("not deleted yet")
		}
		return nil
	})

	again.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	require.NoError(t, env.client.Update(ctx, again))
	gpolNetpol(t, "gpol-target", "changed copy reverted", policyTypes(networkingv1.PolicyTypeIngress))

	applyYAML(t, e2eGPol(`["Ingress", "Egress"]`))
	gpolNetpol(t, "gpol-target", "policy change propagated",
		policyTypes(networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress))
}

// A NamespacedGeneratingPolicy generates into its own namespace only: a trigger of another namespace is ignored and
// a request to generate elsewhere fails, naming the namespace, and writes nothing.
func TestNamespacedGeneratingPolicyStaysInItsNamespace(t *testing.T) {
	ctx := context.Background()
	namespace(t, "ngpol-team")
	namespace(t, "ngpol-other")
	applyYAML(t, e2eNGPol)
	t.Cleanup(func() { deleteYAML(t, e2eNGPol) })
	generatingReady(t, "ngpol-team", "e2e-ngpol-copy")
	eventually(t, admissionWait, "configmaps sent to the validating webhook", webhookCovers("configmaps"))
	for _, cm := range []*corev1.ConfigMap{
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ngpol-team", Name: "settings"}, Data: map[string]string{"mode": "fast"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ngpol-other", Name: "settings"}, Data: map[string]string{"mode": "slow"}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "ngpol-team", Name: "escape"}, Data: map[string]string{"mode": "out"}},
	} {
		require.NoError(t, client.IgnoreAlreadyExists(env.client.Create(ctx, cm)))
		t.Cleanup(func() { _ = env.client.Delete(context.Background(), cm) })
	}
	copied := &corev1.ConfigMap{}
	eventually(t, admissionWait, "ConfigMap copied in ngpol-team", func() error {
		return env.client.Get(ctx, client.ObjectKey{Namespace: "ngpol-team", Name: "settings-copy"}, copied)
	})
	assert.Equal(t, map[string]string{"mode": "fast"}, copied.Data)
	eventually(t, admissionWait, "the escaping request failed, naming the namespace", func() error {
		var grs v1alpha1.GenerateRequestList
		if err := env.client.List(ctx, &grs, client.InNamespace(bylawNamespace)); err != nil {
			return err
		}
		for _, gr := range grs.Items {
			c := apimeta.FindStatusCondition(gr.Status.Conditions, meta.ReadyCondition)
			if gr.Spec.Trigger.Name == "escape" && c != nil &&
				strings.Contains(c.Message, `namespace "default" is outside the policy's namespace "ngpol-team"`) {
				return nil
			}
		}
		return errors.New("no failed request for the escape trigger yet")
	})
	for _, key := range []client.ObjectKey{{Namespace: "default", Name: "escape-copy"}, {Namespace: "ngpol-other", Name: "settings-copy"}} {
		err := env.client.Get(ctx, key, &corev1.ConfigMap{})
		assert.True(t, client.IgnoreNotFound(err) == nil && err != nil, "%s must not exist: %v", key, err)
	}
	deleteYAML(t, e2eNGPol)
	eventually(t, reportWait, "the failed request is dropped with its policy", noGenerateRequests)
}

// A leader failover during generation still leaves exactly one copy of the GeneratingPolicy's NetworkPolicy per
// trigger: one Namespace before the crash, one while the standby takes over.
func TestGeneratingPolicyLeaderFailoverGeneratesOnce(t *testing.T) {
	ctx := context.Background()
	ports, err := freePorts(3)
	require.NoError(t, err)
	standby, err := startReplica(ports, env.logs)
	require.NoError(t, err)
	// A generating policy's webhook fails open (as in Kyverno): with generateExisting the new leader also picks up
	// a trigger admitted while the webhook called the dead one.
	pol := strings.Replace(e2eGPol(`["Ingress"]`), "    synchronize: {enabled: true}\n",
		"    synchronize: {enabled: true}\n    generateExisting: {enabled: true}\n", 1)
	require.Contains(t, pol, "generateExisting")
	applyYAML(t, pol)
	t.Cleanup(func() { deleteYAML(t, pol) })
	generatingReady(t, "", "e2e-gpol-netpol")
	eventually(t, admissionWait, "namespaces sent to the validating webhook", namespacesRegistered)
	trigger := func(name string) {
		eventually(t, reportWait, "Namespace "+name+" admitted", func() error {
			return client.IgnoreAlreadyExists(env.client.Create(ctx, &corev1.Namespace{
				ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"e2e-gpol": "yes"}}}))
		})
		t.Cleanup(func() {
			_ = env.client.Delete(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}})
		})
	}
	anyCopy := func(*networkingv1.NetworkPolicy) error { return nil }
	trigger("gpol-failover-before")
	gpolNetpol(t, "gpol-failover-before", "generated before the crash", anyCopy)

	crashed := leaseHolder(t)
	require.NoError(t, env.primary.stop(syscall.SIGKILL))
	trigger("gpol-failover-during") // while nobody leads: admitted unrecorded, picked up by generateExisting
	eventually(t, reportWait, "the webhooks call the standby", webhooksCall(standby.webhookURL))
	require.NotEqual(t, crashed, leaseHolder(t))
	trigger("gpol-failover-after")
	gpolNetpol(t, "gpol-failover-during", "generated for the trigger of the takeover", anyCopy)
	gpolNetpol(t, "gpol-failover-after", "generated after the crash", anyCopy)
	gpolNetpol(t, "gpol-failover-before", "still one copy after the takeover", anyCopy)
	eventually(t, reportWait, "no GenerateRequest left", noGenerateRequests)
	restorePrimary(t, standby)
}

// webhookCovers returns a check that a validating webhook rule covers resource.
func webhookCovers(resource string) func() error {
	return func() error {
		var cfg admissionregistrationv1.ValidatingWebhookConfiguration
		if err := env.client.Get(context.Background(), client.ObjectKey{Name: "bylaw-validating"}, &cfg); err != nil {
			return err
		}
		for _, w := range cfg.Webhooks {
			for _, r := range w.Rules {
				if slices.Contains(r.Resources, resource) {
					return nil
				}
			}
		}
		return fmt.Errorf("no webhook rule for %s in %s", resource, cfg.Name)
	}
}

// webhooksCall returns a check that every validating webhook calls url.
func webhooksCall(url string) func() error {
	return func() error {
		var cfg admissionregistrationv1.ValidatingWebhookConfiguration
		if err := env.client.Get(context.Background(), client.ObjectKey{Name: "bylaw-validating"}, &cfg); err != nil {
			return err
		}
		for _, w := range cfg.Webhooks {
			if w.ClientConfig.URL == nil || !strings.HasPrefix(*w.ClientConfig.URL, url) {
				return fmt.Errorf("webhook %s calls %v", w.Name, w.ClientConfig.URL)
			}
		}
		return nil
	}
}

func noGenerateRequests() error {
	var grs v1alpha1.GenerateRequestList
	if err := env.client.List(context.Background(), &grs, client.InNamespace(bylawNamespace)); err != nil {
		return err
	}
	if len(grs.Items) != 0 {
		return fmt.Errorf("%d GenerateRequests left", len(grs.Items))
	}
	return nil
}

// e2eGPolSource copies the data of ConfigMap gpol-src/base into every Namespace labelled e2e-gpol-src=yes.
const e2eGPolSource = `apiVersion: policies.kyverno.io/v1
kind: GeneratingPolicy
metadata: {name: e2e-gpol-source}
spec:
  evaluation:
    synchronize: {enabled: true}
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [namespaces], operations: [CREATE]}
    objectSelector: {matchLabels: {e2e-gpol-src: "yes"}}
  variables:
  - {name: base, expression: 'resource.Get("v1", "configmaps", "gpol-src", "base")'}
  generate:
  - template:
      interpolate: cel
      value: |
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: base-copy
          namespace: (( object.metadata.name ))
        data: (( variables.base.data ))
`

// A change of the object a synchronized GeneratingPolicy copies (read with resource.Get) reaches the copy.
func TestGeneratingPolicyFollowsItsSource(t *testing.T) {
	ctx := context.Background()
	namespace(t, "gpol-src")
	base := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "gpol-src", Name: "base"}, Data: map[string]string{"level": "info"}}
	require.NoError(t, client.IgnoreAlreadyExists(env.client.Create(ctx, base)))
	applyYAML(t, e2eGPolSource)
	t.Cleanup(func() { deleteYAML(t, e2eGPolSource) })
	generatingReady(t, "", "e2e-gpol-source")
	eventually(t, admissionWait, "namespaces sent to the validating webhook", namespacesRegistered)
	require.NoError(t, env.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "gpol-src-target",
		Labels: map[string]string{"e2e-gpol-src": "yes"}}}))
	copyHas := func(level string) func() error {
		return func() error {
			cm := &corev1.ConfigMap{}
			if err := env.client.Get(ctx, client.ObjectKey{Namespace: "gpol-src-target", Name: "base-copy"}, cm); err != nil {
				return err
			}
			if cm.Data["level"] != level {
				return fmt.Errorf("level %q, want %q", cm.Data["level"], level)
			}
			return nil
		}
	}
	eventually(t, admissionWait, "ConfigMap copied", copyHas("info"))
	require.NoError(t, env.client.Get(ctx, client.ObjectKeyFromObject(base), base))
	base.Data["level"] = "debug"
	require.NoError(t, env.client.Update(ctx, base))
	eventually(t, admissionWait, "the source change propagated", copyHas("debug"))
}
