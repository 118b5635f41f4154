package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fluxcd/pkg/apis/meta"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// A policy made only of a rule the engine cannot evaluate (verifyImages) must not admit silently: the matching Pod is
// denied with the rule's error (on a fail-open webhook too) and the policy says Ready=False/UnsupportedRule.
func TestUnsupportedRuleDeniesAndIsNotReady(t *testing.T) {
	namespace(t, "signed")
	const doc = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: verify-signatures, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  webhookConfiguration: {failurePolicy: Ignore}
  rules:
  - name: signed-images
    match: {any: [{resources: {kinds: [Pod], namespaces: [signed]}}]}
    verifyImages:
    - imageReferences: ["*"]
      attestors: [{entries: [{keys: {publicKeys: "-----BEGIN PUBLIC KEY-----"}}]}]
`
	applyYAML(t, doc)
	t.Cleanup(func() { deleteYAML(t, doc) })
	eventually(t, admissionWait, "pod denied by the verifyImages rule", func() error {
		return deniedWith(createDryRun(pod("signed", "web", false, nil)), "verify-signatures", "signed-images",
			"rule type verifyImages is not supported by this engine yet")
	})
	var cp v1alpha1.ClusterPolicy
	eventually(t, admissionWait, "policy Ready=False/UnsupportedRule", func() error {
		if err := env.client.Get(context.Background(), client.ObjectKey{Name: "verify-signatures"}, &cp); err != nil {
			return err
		}
		c := apimeta.FindStatusCondition(cp.Status.Conditions, meta.ReadyCondition)
		if c == nil || c.Status != "False" || c.Reason != "UnsupportedRule" {
			return fmt.Errorf("Ready condition %+v", c)
		}
		if !strings.Contains(c.Message, "rule signed-images (verifyImages)") {
			return fmt.Errorf("message does not name the rule and its type: %s", c.Message)
		}
		return nil
	})
}

// A Pod.exec rule (Kyverno's "." spelling of Pod/exec) denies exec requests: the API server sends them as
// PodExecOptions on pods/exec, and the rule matches them as kind Pod, subresource exec, as Kyverno does.
func TestPodExecPolicyDeniesExec(t *testing.T) {
	namespace(t, "no-exec")
	const doc = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: deny-exec, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  rules:
  - name: no-exec
    match: {any: [{resources: {kinds: [Pod.exec], namespaces: [no-exec], operations: [CONNECT]}}]}
    validate:
      message: "exec into {{ request.name }} is not allowed ({{ request.kind.kind }})"
      deny: {}
`
	applyYAML(t, doc)
	t.Cleanup(func() { deleteYAML(t, doc) })
	ctx := context.Background()
	require.NoError(t, env.client.Create(ctx, pod("no-exec", "shell", false, nil)))
	cs, err := kubernetes.NewForConfig(env.cfg)
	require.NoError(t, err)
	exec := func() error {
		// The API server runs admission on a CONNECT before it opens the stream (which needs a kubelet, absent here).
		return cs.CoreV1().RESTClient().Post().Namespace("no-exec").Resource("pods").Name("shell").SubResource("exec").
			Param("command", "sh").Param("stdout", "true").Do(ctx).Error()
	}
	eventually(t, admissionWait, "exec denied", func() error {
		return deniedWith(exec(), "deny-exec", "no-exec", "exec into shell is not allowed (PodExecOptions)")
	})
	attach := cs.CoreV1().RESTClient().Post().Namespace("no-exec").Resource("pods").Name("shell").
		SubResource("attach").Param("stdout", "true").Do(ctx).Error()
	require.Error(t, attach, "attach cannot succeed without a kubelet")
	assert.NotContains(t, attach.Error(), "deny-exec", "an exec rule does not answer attach requests")
}

// An Enforce policy on a fail-closed webhook whose foreach walks ephemeralContainers, as Kyverno's library writes its
// image rules, admits a compliant Pod that has none (the list is absent: nothing to check) and still denies a Pod
// whose containers break the rule.
func TestForeachOverAbsentEphemeralContainersAdmits(t *testing.T) {
	namespace(t, "foreach")
	const doc = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: no-latest-anywhere, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  webhookConfiguration: {failurePolicy: Fail}
  rules:
  - name: no-latest
    match: {any: [{resources: {kinds: [Pod], namespaces: [foreach]}}]}
    validate:
      message: "image {{ element.image }} uses latest"
      foreach:
      - list: "request.object.spec.containers"
        deny: {conditions: {any: [{key: "{{ element.image }}", operator: Equals, value: "*:latest"}]}}
      - list: "request.object.spec.ephemeralContainers"
        deny: {conditions: {any: [{key: "{{ element.image }}", operator: Equals, value: "*:latest"}]}}
`
	applyYAML(t, doc)
	t.Cleanup(func() { deleteYAML(t, doc) })
	latest := pod("foreach", "latest", false, nil)
	latest.Spec.Containers[0].Image = "nginx:latest"
	eventually(t, admissionWait, "a latest image denied", func() error {
		return deniedWith(createDryRun(latest), "no-latest-anywhere", "image nginx:latest uses latest")
	})
	require.NoError(t, createDryRun(pod("foreach", "pinned", false, nil)),
		"a compliant Pod without ephemeral containers is admitted")
}
