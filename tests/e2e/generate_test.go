package e2e

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const namespaceBootstrap = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: e2e-namespace-bootstrap}
spec:
  rules:
  - name: default-deny
    match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {e2e-generate: "yes"}}}}]}
    generate:
      synchronize: true
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      name: default-deny
      namespace: "{{request.object.metadata.name}}"
      data:
        spec:
          podSelector: {}
          policyTypes: [Ingress]
  - name: base-config
    match: {any: [{resources: {kinds: [Namespace], selector: {matchLabels: {e2e-generate: "yes"}}}}]}
    generate:
      synchronize: true
      apiVersion: v1
      kind: ConfigMap
      name: base-config
      namespace: "{{request.object.metadata.name}}"
      clone: {namespace: gen-source, name: base}
`

func TestGenerateOnNamespaceCreation(t *testing.T) {
	ctx := context.Background()
	namespace(t, "gen-source")
	base := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "gen-source", Name: "base"}, Data: map[string]string{"level": "info"}}
	require.NoError(t, client.IgnoreAlreadyExists(env.client.Create(ctx, base)))
	applyYAML(t, namespaceBootstrap)
	t.Cleanup(func() { deleteYAML(t, namespaceBootstrap) })
	policyReady(t, "e2e-namespace-bootstrap") // in the store: a configuration left by an earlier test may list namespaces
	eventually(t, admissionWait, "namespaces sent to the validating webhook", namespacesRegistered)

	require.NoError(t, env.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "gen-target",
		Labels: map[string]string{"e2e-generate": "yes"}}}))
	np := &networkingv1.NetworkPolicy{}
	eventually(t, admissionWait, "NetworkPolicy generated", func() error {
		return env.client.Get(ctx, client.ObjectKey{Namespace: "gen-target", Name: "default-deny"}, np)
	})
	assert.Equal(t, "bylaw", np.Labels["app.kubernetes.io/managed-by"])
	assert.Equal(t, "e2e-namespace-bootstrap", np.Labels["generate.bylaw.dev/policy"])
	cm := &corev1.ConfigMap{}
	eventually(t, admissionWait, "ConfigMap cloned", func() error {
		return env.client.Get(ctx, client.ObjectKey{Namespace: "gen-target", Name: "base-config"}, cm)
	})
	assert.Equal(t, map[string]string{"level": "info"}, cm.Data)

	require.NoError(t, env.client.Delete(ctx, np))
	eventually(t, admissionWait, "deleted NetworkPolicy re-created", func() error {
		again := &networkingv1.NetworkPolicy{}
		if err := env.client.Get(ctx, client.ObjectKey{Namespace: "gen-target", Name: "default-deny"}, again); err != nil {
			return err
		}
		if again.UID == np.UID {
			return errors.New("not deleted yet")
		}
		return nil
	})
}

// namespacesRegistered returns nil once a validating webhook rule covers namespaces.
func namespacesRegistered() error {
	var cfg admissionregistrationv1.ValidatingWebhookConfiguration
	if err := env.client.Get(context.Background(), client.ObjectKey{Name: "bylaw-validating"}, &cfg); err != nil {
		return err
	}
	for _, w := range cfg.Webhooks {
		for _, r := range w.Rules {
			if slices.Contains(r.Resources, "namespaces") {
				return nil
			}
		}
	}
	return fmt.Errorf("no webhook rule for namespaces in %s", cfg.Name)
}
