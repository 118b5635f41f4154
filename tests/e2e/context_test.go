package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// Context entries read the cluster: a configMap from the informer cache and an apiCall through the API server.
func TestContextFromTheCluster(t *testing.T) {
	ctx := context.Background()
	namespace(t, "config")
	require.NoError(t, env.client.Create(ctx, &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: "config"},
		Data:       map[string]string{"blocked": `["legacy"]`},
	}))
	namespace(t, "legacy")
	require.NoError(t, env.client.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
		Name: "frozen", Labels: map[string]string{"tier": "frozen"}}}))
	namespace(t, "open")
	applyYAML(t, `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: namespace-rules}
spec:
  validationFailureAction: Enforce
  rules:
  - name: blocked-namespaces
    match: {any: [{resources: {kinds: [ConfigMap], namespaces: [legacy, frozen, open]}}]}
    context:
    - name: settings
      configMap: {name: settings, namespace: config}
    validate:
      message: "namespace {{request.namespace}} is blocked by config/settings"
      deny:
        conditions:
          any:
          - {key: "{{request.namespace}}", operator: AnyIn, value: "{{ settings.data.blocked | parse_json(@) }}"}
  - name: frozen-tier
    match: {any: [{resources: {kinds: [ConfigMap], namespaces: [legacy, frozen, open]}}]}
    context:
    - name: tier
      apiCall:
        urlPath: "/api/v1/namespaces/{{request.namespace}}"
        jmesPath: "metadata.labels.tier || 'none'"
    validate:
      message: "namespace {{request.namespace}} has tier {{tier}}"
      deny:
        conditions:
          any:
          - {key: "{{tier}}", operator: Equals, value: frozen}
`)
	cm := func(ns string) error {
		return env.client.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "probe", Namespace: ns}}, dryRunAll)
	}
	eventually(t, admissionWait, "configMap context denies in legacy", func() error {
		return deniedWith(cm("legacy"), "blocked-namespaces", "namespace legacy is blocked by config/settings")
	})
	require.NoError(t, deniedWith(cm("frozen"), "frozen-tier", "namespace frozen has tier frozen"))
	require.NoError(t, cm("open"))
	require.NoError(t, env.client.DeleteAllOf(ctx, &corev1.ConfigMap{}, client.InNamespace("config")))
}

// No policy reads Bylaw's Secrets through an apiCall: the call goes out as the ServiceAccount bylaw-context, which
// may not read Secrets, so an Enforce rule that tries to read the webhook CA gets the API server's Forbidden as its
// error and denies (on today's code the call read the Secret with Bylaw's own rights).
func TestContextCannotReadBylawSecrets(t *testing.T) {
	ctx := context.Background()
	namespace(t, "probing")
	doc := `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: read-the-ca}
spec:
  validationFailureAction: Enforce
  rules:
  - name: ca
    match: {any: [{resources: {kinds: [ConfigMap], namespaces: [probing]}}]}
    context:
    - name: ca
      apiCall: {urlPath: "/api/v1/namespaces/bylaw-system/secrets/bylaw-webhook-tls"}
    validate:
      message: "the CA Secret was read"
      deny:
        conditions:
          any:
          - {key: "{{ ca.kind }}", operator: Equals, value: Secret}
`
	applyYAML(t, doc)
	t.Cleanup(func() { deleteYAML(t, doc) })
	eventually(t, admissionWait, "the apiCall is forbidden and the rule's error denies", func() error {
		err := env.client.Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "probe", Namespace: "probing"}}, dryRunAll)
		return deniedWith(err, "ca: error:", "bylaw-webhook-tls", "is forbidden",
			"system:serviceaccount:bylaw-system:bylaw-context", `cannot get resource "secrets"`)
	})
}

// The metrics endpoint exports admission and policy-set metrics.
func TestMetrics(t *testing.T) {
	require.NoError(t, createDryRun(pod("shop", "metrics-probe", false, nil)))
	text := scrape(t, "/metrics")
	for _, name := range []string{"bylaw_admission_requests_total", "bylaw_admission_duration_seconds_bucket",
		"bylaw_rule_results_total", "bylaw_policy_set_revision", "bylaw_policies_loaded", "bylaw_policy_set_ready 1"} {
		assert.True(t, strings.Contains(text, name), "metric %s missing", name)
	}
}
