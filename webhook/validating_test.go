package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook"
)

// validatingPolicies select by resource (matchConstraints), not by kind.
const validatingPolicies = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: require-team}
spec:
  autogen: {podControllers: {controllers: []}}
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}
  validations:
  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
    message: "label team is required"
---
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: audit-owner}
spec:
  autogen: {podControllers: {controllers: []}}
  validationActions: [Audit]
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}
  validations:
  - expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels"
    message: "label owner is recommended"
---
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: warn-latest}
spec:
  autogen: {podControllers: {controllers: []}}
  validationActions: [Warn]
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}
  validations:
  - expression: "object.spec.containers.all(c, !c.image.endsWith(':latest'))"
    message: "pin your images"
---
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: no-exec}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods/exec], operations: [CONNECT]}
  validations:
  - expression: "false"
    message: "exec is not allowed"
---
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: broken-fail}
spec:
  autogen: {podControllers: {controllers: []}}
  failurePolicy: Fail
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [DELETE]}
  validations:
  - expression: "oldObject.spec.missing == 1"
---
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: broken-ignore}
spec:
  autogen: {podControllers: {controllers: []}}
  failurePolicy: Ignore
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [DELETE]}
  validations:
  - expression: "oldObject.spec.missing == 2"
---
apiVersion: policies.kyverno.io/v1
kind: NamespacedValidatingPolicy
metadata: {name: shop-only, namespace: shop}
spec:
  autogen: {podControllers: {controllers: []}}
  matchConstraints:
    resourceRules:
    - {apiGroups: [""], apiVersions: [v1], resources: [configmaps], operations: [CREATE]}
  validations:
  - expression: "has(object.data)"
    message: "a config map in shop needs data"
---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: exempt-legacy, namespace: shop}
spec:
  policyRefs: [{name: require-team, kind: ValidatingPolicy}]
  matchConditions:
  - {name: legacy, expression: "object.metadata.name == 'legacy'"}
`

type admittedLog struct{ rules []string }

func (a *admittedLog) Admitted(_ context.Context, _ map[string]any, results []engine.PolicyResult) {
	for _, pr := range results {
		for _, rr := range pr.Rules {
			a.rules = append(a.rules, pr.Policy.Key()+"/"+rr.Rule+"="+string(rr.Status))
		}
	}
}

func newValidatingHandler(t *testing.T) (*webhook.Handler, *admittedLog) {
	t.Helper()
	e := engine.New()
	set := policy.NewLoader(e).LoadBytes("vpol.yaml", []byte(validatingPolicies))
	require.Empty(t, set.Errors)
	for _, p := range set.Policies {
		p.Provenance = engine.Provenance{Source: "gitsource/bylaw-system/platform", Revision: "main@sha1:0123abcd", Digest: "sha256:feed"}
	}
	store := policy.NewStore()
	store.ReplaceSource("test", set.Policies, set.Exceptions)
	store.MarkReady()
	results := &admittedLog{}
	return &webhook.Handler{Engine: e, Store: store, Kinds: coreKinds(), Results: results, MaxRequestBytes: 64 << 10}, results
}

// resourceReview is an admission review for resource (plural) of a core v1 kind.
func resourceReview(op admissionv1.Operation, kind, resource, sub, namespace, name, object, oldObject string) []byte {
	ar := &admissionv1.AdmissionRequest{
		UID: types.UID("uid-1"), Kind: metav1.GroupVersionKind{Version: "v1", Kind: kind}, SubResource: sub,
		Resource: metav1.GroupVersionResource{Version: "v1", Resource: resource}, Name: name, Namespace: namespace,
		Operation: op,
	}
	if object != "" {
		ar.Object = runtime.RawExtension{Raw: []byte(object)}
	}
	if oldObject != "" {
		ar.OldObject = runtime.RawExtension{Raw: []byte(oldObject)}
	}
	return mustReview(ar)
}

func podJSON(name, labels, image string) string {
	return `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"` + name + `","namespace":"shop","labels":{` + labels +
		`}},"spec":{"containers":[{"name":"c","image":"` + image + `"}]}}`
}

func TestValidatingPolicies(t *testing.T) {
	const prov = "(from gitsource/bylaw-system/platform at main@sha1:0123abcd, bundle sha256:feed)"
	tests := []struct {
		name     string
		path     string
		body     []byte
		allowed  bool
		message  string // in the denial
		warning  string // in a warning
		admitted []string
	}{
		{name: "Deny: a failure denies with the message and provenance", path: "/validate/fail/10",
			body:    resourceReview("CREATE", "Pod", "pods", "", "shop", "web", podJSON("web", `"owner":"o"`, "nginx:1"), ""),
			message: "require-team " + prov + ":\n  require-team: label team is required"},
		{name: "Audit: admitted, the failure goes to the reports", path: "/validate/fail/10", allowed: true,
			body:     resourceReview("CREATE", "Pod", "pods", "", "shop", "web", podJSON("web", `"team":"a"`, "nginx:1"), ""),
			admitted: []string{"audit-owner/audit-owner=fail", "warn-latest/warn-latest=pass"}},
		{name: "Warn: admitted with the message as a warning", path: "/validate/fail/10", allowed: true,
			body:     resourceReview("CREATE", "Pod", "pods", "", "shop", "web", podJSON("web", `"team":"a","owner":"o"`, "nginx:latest"), ""),
			warning:  "policy warn-latest/warn-latest fail: pin your images " + prov,
			admitted: []string{"audit-owner/audit-owner=pass", "warn-latest/warn-latest=fail"}},
		{name: "a CEL PolicyException exempts the Pod it matches", path: "/validate/fail/10", allowed: true,
			body:     resourceReview("CREATE", "Pod", "pods", "", "shop", "legacy", podJSON("legacy", `"owner":"o"`, "nginx:1"), ""),
			admitted: []string{"audit-owner/audit-owner=pass", "warn-latest/warn-latest=pass"}},
		{name: "a subresource rule is matched by resource and subresource", path: "/validate/fail/10",
			body:    resourceReview("CONNECT", "PodExecOptions", "pods", "exec", "shop", "web", `{"apiVersion":"v1","kind":"PodExecOptions"}`, ""),
			message: "no-exec: exec is not allowed"},
		{name: "failurePolicy Fail: an evaluation error denies", path: "/validate/fail/10",
			body:    resourceReview("DELETE", "Pod", "pods", "", "shop", "web", "", podJSON("web", `"team":"a"`, "nginx:1")),
			message: "broken-fail: error:"},
		{name: "failurePolicy Ignore: an evaluation error admits with a warning", path: "/validate/ignore/10", allowed: true,
			body:    resourceReview("DELETE", "Pod", "pods", "", "shop", "web", "", podJSON("web", `"team":"a"`, "nginx:1")),
			warning: "policy broken-ignore/broken-ignore error"},
		{name: "a namespaced policy acts in its namespace", path: "/validate/fail/10",
			body:    resourceReview("CREATE", "ConfigMap", "configmaps", "", "shop", "c", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}`, ""),
			message: "shop/shop-only " + prov + ":\n  shop-only: a config map in shop needs data"},
		{name: "a namespaced policy does not act elsewhere", path: "/validate/fail/10", allowed: true,
			body: resourceReview("CREATE", "ConfigMap", "configmaps", "", "other", "c", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"}}`, "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, admitted := newValidatingHandler(t)
			w, resp := post(t, h, tt.path, tt.body)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			require.Equal(t, tt.allowed, resp.Allowed, resp.Result)
			if tt.message != "" {
				require.NotNil(t, resp.Result)
				assert.Contains(t, resp.Result.Message, tt.message)
			}
			if tt.warning != "" {
				assert.Contains(t, strings.Join(resp.Warnings, "\n"), tt.warning)
			}
			assert.Equal(t, tt.admitted, admitted.rules)
		})
	}
}

func mustReview(ar *admissionv1.AdmissionRequest) []byte {
	data, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}, Request: ar})
	if err != nil {
		panic(err)
	}
	return data
}
