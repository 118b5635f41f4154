package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/yaml"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook"
)

const policies = `apiVersion: bylaw.dev/v1alpha1
kind: ClusterPolicy
metadata: {name: no-privileged, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  rules:
  - name: privileged
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: privileged containers are not allowed
      pattern: {spec: {containers: [{=(securityContext): {=(privileged): false}}]}}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: team-label, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Audit
  rules:
  - name: team
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate: {message: "label team is required", pattern: {metadata: {labels: {team: "?*"}}}}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: keep-owner, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  rules:
  - name: owner-immutable
    match: {any: [{resources: {kinds: [Pod], operations: [UPDATE]}}]}
    validate:
      message: "the owner label cannot change"
      deny:
        conditions:
          any:
          - {key: "{{ request.object.metadata.labels.owner || '' }}", operator: NotEquals, value: "{{ request.oldObject.metadata.labels.owner || '' }}"}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-exec, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  rules:
  - name: exec
    match: {any: [{resources: {kinds: [Pod/exec], operations: [CONNECT]}}]}
    validate: {message: "exec is not allowed", deny: {}}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-port-forward, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  rules:
  - name: portforward
    match: {any: [{resources: {kinds: [Pod.portforward]}}]}
    validate: {message: "port forwarding is not allowed", deny: {}}
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: add-labels, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  rules:
  - name: managed-by
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate: {patchStrategicMerge: {metadata: {labels: {+(managed-by): bylaw}}}}
`

type auditLog struct{ rules []string }

func (a *auditLog) Audit(_ context.Context, p *engine.Policy, rr engine.RuleResult, _ *admissionv1.AdmissionRequest) {
	a.rules = append(a.rules, p.Key()+"/"+rr.Rule)
}

func newHandler(t *testing.T) (*webhook.Handler, *auditLog) {
	t.Helper()
	e := engine.New()
	set := policy.NewLoader(e).LoadBytes("policies.yaml", []byte(policies))
	require.Empty(t, set.Errors)
	store := policy.NewStore()
	store.ReplaceSource("test", set.Policies, set.Exceptions)
	store.MarkReady()
	audit := &auditLog{}
	return &webhook.Handler{Engine: e, Store: store, Audit: audit, Kinds: coreKinds(), Excluded: []string{"kube-system"},
		MaxRequestBytes: 64 << 10}, audit
}

// coreKinds maps the core v1 pods resource to its kind, as the API server's discovery does.
func coreKinds() meta.RESTMapper {
	m := meta.NewDefaultRESTMapper(nil)
	m.Add(schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, meta.RESTScopeNamespace)
	return m
}

const compliantPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop","labels":{"team":"a","owner":"x"}},
"spec":{"containers":[{"name":"c","image":"nginx"}]}}`

const privilegedPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop","labels":{"team":"a"}},
"spec":{"containers":[{"name":"c","image":"nginx","securityContext":{"privileged":true}}]}}`

const unlabelledPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},
"spec":{"containers":[{"name":"c","image":"nginx"}]}}`

func review(op admissionv1.Operation, kind, sub, namespace, object, oldObject string, dryRun bool) []byte {
	ar := &admissionv1.AdmissionRequest{
		UID: types.UID("uid-1"), Kind: metav1.GroupVersionKind{Version: "v1", Kind: kind}, SubResource: sub,
		Resource: metav1.GroupVersionResource{Version: "v1", Resource: "pods"}, Name: "web", Namespace: namespace,
		Operation: op, DryRun: &dryRun,
	}
	if object != "" {
		ar.Object = runtime.RawExtension{Raw: []byte(object)}
	}
	if oldObject != "" {
		ar.OldObject = runtime.RawExtension{Raw: []byte(oldObject)}
	}
	data, _ := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}, Request: ar})
	return data
}

func post(t *testing.T, h http.Handler, path string, body []byte) (*httptest.ResponseRecorder, *admissionv1.AdmissionResponse) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		return w, nil
	}
	var out admissionv1.AdmissionReview
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &out))
	require.NotNil(t, out.Response)
	assert.Equal(t, types.UID("uid-1"), out.Response.UID)
	return w, out.Response
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name      string
		body      []byte
		allowed   bool
		message   string
		warning   string
		audited   []string
		namespace string
		resource  string // in the denial, "Pod/shop/web" when empty
	}{
		{name: "compliant pod is admitted", body: review("CREATE", "Pod", "", "shop", compliantPod, "", false), allowed: true},
		{name: "enforce failure denies with the message", body: review("CREATE", "Pod", "", "shop", privilegedPod, "", false),
			message: "no-privileged:\n  privileged: validation error: privileged containers are not allowed"},
		{name: "audit failure admits with a warning and an event", body: review("CREATE", "Pod", "", "shop", unlabelledPod, "", false),
			allowed: true, warning: "label team is required", audited: []string{"team-label/team"}},
		{name: "dry run: same answer, no event", body: review("CREATE", "Pod", "", "shop", unlabelledPod, "", true),
			allowed: true, warning: "label team is required"},
		{name: "excluded namespace is not evaluated", body: review("CREATE", "Pod", "", "kube-system", privilegedPod, "", false), allowed: true},
		{name: "update sees the old object", body: review("UPDATE", "Pod", "", "shop", unlabelledPod, compliantPod, false),
			message: "owner-immutable: the owner label cannot change", audited: []string{"team-label/team"}},
		{name: "update keeping the label is admitted", body: review("UPDATE", "Pod", "", "shop", compliantPod, compliantPod, false), allowed: true},
		{name: "delete of a non-compliant pod is admitted", body: review("DELETE", "Pod", "", "shop", "", privilegedPod, false), allowed: true},
		{name: "Pod/exec matches pods/exec, sent as a PodExecOptions", body: review("CONNECT", "PodExecOptions", "exec", "shop",
			`{"apiVersion":"v1","kind":"PodExecOptions","command":["sh"]}`, "", false), message: "exec: exec is not allowed",
			resource: "PodExecOptions/shop/web"},
		{name: "Pod.portforward matches pods/portforward", body: review("CONNECT", "PodPortForwardOptions", "portforward", "shop",
			`{"apiVersion":"v1","kind":"PodPortForwardOptions","ports":[80]}`, "", false),
			message: "portforward: port forwarding is not allowed", resource: "PodPortForwardOptions/shop/web"},
		{name: "other subresource is not matched", body: review("CONNECT", "PodAttachOptions", "attach", "shop",
			`{"apiVersion":"v1","kind":"PodAttachOptions"}`, "", false), allowed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, audit := newHandler(t)
			w, resp := post(t, h, "/validate/fail/10", tt.body)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			assert.Equal(t, tt.allowed, resp.Allowed)
			if tt.message != "" {
				require.NotNil(t, resp.Result)
				resource := tt.resource
				if resource == "" {
					resource = "Pod/shop/web"
				}
				assert.Contains(t, resp.Result.Message, "resource "+resource+" was blocked due to the following policies")
				assert.Contains(t, resp.Result.Message, tt.message)
			}
			if tt.warning != "" {
				assert.Contains(t, strings.Join(resp.Warnings, "\n"), tt.warning)
			}
			assert.Equal(t, tt.audited, audit.rules)
		})
	}
}

func TestMutate(t *testing.T) {
	h, _ := newHandler(t)
	w, resp := post(t, h, "/mutate/fail/10", review("CREATE", "Pod", "", "shop", unlabelledPod, "", false))
	require.Equal(t, http.StatusOK, w.Code)
	require.True(t, resp.Allowed)
	require.NotNil(t, resp.PatchType)
	assert.Equal(t, admissionv1.PatchTypeJSONPatch, *resp.PatchType)
	assert.JSONEq(t, `[{"op":"add","path":"/metadata/labels","value":{"managed-by":"bylaw"}}]`, string(resp.Patch))

	var labelled map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(compliantPod), &labelled))
	labelled["metadata"].(map[string]any)["labels"].(map[string]any)["managed-by"] = "bylaw"
	data, _ := json.Marshal(labelled)
	_, resp = post(t, h, "/mutate/fail/10", review("CREATE", "Pod", "", "shop", string(data), "", false))
	assert.True(t, resp.Allowed)
	assert.Nil(t, resp.Patch, "nothing to change, no patch")
}

func TestBadRequests(t *testing.T) {
	good := review("CREATE", "Pod", "", "shop", compliantPod, "", false)
	tests := []struct {
		name   string
		method string
		path   string
		ctype  string
		body   []byte
		status int
	}{
		{"unknown path", http.MethodPost, "/other", "application/json", good, http.StatusNotFound},
		{"not JSON", http.MethodPost, "/validate/fail/10", "application/json", []byte("{not json"), http.StatusBadRequest},
		{"no request", http.MethodPost, "/validate/fail/10", "application/json",
			[]byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), http.StatusBadRequest},
		{"wrong version", http.MethodPost, "/validate/fail/10", "application/json",
			[]byte(`{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{"uid":"1"}}`), http.StatusBadRequest},
		{"wrong content type", http.MethodPost, "/validate/fail/10", "text/plain", good, http.StatusUnsupportedMediaType},
		{"GET", http.MethodGet, "/validate/fail/10", "application/json", nil, http.StatusMethodNotAllowed},
		{"too large", http.MethodPost, "/validate/fail/10", "application/json", bytes.Repeat([]byte(" "), 65<<10), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := newHandler(t)
			r := httptest.NewRequest(tt.method, tt.path, bytes.NewReader(tt.body))
			r.Header.Set("Content-Type", tt.ctype)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tt.status, w.Code, w.Body.String())
		})
	}
}

func TestNotReady(t *testing.T) {
	h, _ := newHandler(t)
	h.Store = policy.NewStore()
	_, resp := post(t, h, "/validate/fail/10", review("CREATE", "Pod", "", "shop", compliantPod, "", false))
	assert.False(t, resp.Allowed)
	assert.Contains(t, resp.Result.Message, "not loaded")
	_, resp = post(t, h, "/validate/ignore/10", review("CREATE", "Pod", "", "shop", compliantPod, "", false))
	assert.True(t, resp.Allowed)
}

func TestMalformedObjectIsDenied(t *testing.T) {
	h, _ := newHandler(t)
	_, resp := post(t, h, "/validate/fail/10", review("CREATE", "Pod", "", "shop", `[1,2]`, "", false))
	require.NotNil(t, resp)
	assert.False(t, resp.Allowed)
	assert.Contains(t, resp.Result.Message, "request.object")
}

func TestDenialNamesProvenance(t *testing.T) {
	h, _ := newHandler(t)
	snap := h.Store.Snapshot()
	for _, p := range snap.Policies {
		if p.Name == "no-privileged" {
			p.Provenance = engine.Provenance{Source: "gitsource/bylaw-system/platform", Revision: "main@sha1:0123abcd",
				Digest: "sha256:feed"}
		}
	}
	_, resp := post(t, h, "/validate/fail/10", review("CREATE", "Pod", "", "shop", privilegedPod, "", false))
	require.False(t, resp.Allowed)
	assert.Contains(t, resp.Result.Message,
		"no-privileged (from gitsource/bylaw-system/platform at main@sha1:0123abcd, bundle sha256:feed):")
}

// A foreach over ephemeralContainers, as Kyverno's library writes its image and security policies: absent on almost
// every Pod, it has nothing to check there, so an Enforce policy on a fail-closed webhook admits a compliant Pod.
const ephemeralForeachPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-latest, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  failurePolicy: Fail
  rules:
  - name: pinned
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "image {{ element.image }} is not pinned"
      foreach:
      - list: request.object.spec.ephemeralContainers
        pattern: {image: "!*:latest"}
      - list: request.object.spec.initContainers
        pattern: {image: "!*:latest"}
      - list: request.object.spec.containers
        pattern: {image: "!*:latest"}
`

func TestForeachOverAbsentListAdmits(t *testing.T) {
	tests := []struct {
		name    string
		object  string
		allowed bool
		message string
	}{
		{name: "compliant pod without ephemeral containers is admitted", object: compliantPod, allowed: true},
		{name: "latest image in containers is denied", message: "image nginx:latest is not pinned",
			object: `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"},
"spec":{"containers":[{"name":"c","image":"nginx:latest"}]}}`},
	}
	e := engine.New()
	set := policy.NewLoader(e).LoadBytes("policies.yaml", []byte(ephemeralForeachPolicy))
	require.Empty(t, set.Errors)
	store := policy.NewStore()
	store.ReplaceSource("test", set.Policies, set.Exceptions)
	store.MarkReady()
	h := &webhook.Handler{Engine: e, Store: store, Audit: &auditLog{}, MaxRequestBytes: 64 << 10}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, resp := post(t, h, "/validate/fail/10", review("CREATE", "Pod", "", "shop", tt.object, "", false))
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			require.NotNil(t, resp)
			assert.Equal(t, tt.allowed, resp.Allowed, resp.Result)
			if tt.message != "" {
				require.NotNil(t, resp.Result)
				assert.Contains(t, resp.Result.Message, tt.message)
			}
		})
	}
}
