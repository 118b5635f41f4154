package webhook_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook"
)

// subresourcePolicies deny each subresource they name and echo the kinds the rule saw.
const subresourcePolicies = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: subresources, annotations: {pod-policies.kyverno.io/autogen-controllers: none}}
spec:
  validationFailureAction: Enforce
  rules:
  - name: pod-subresources
    match: {any: [{resources: {kinds: [Pod/exec, Pod.attach, v1/Pod/portforward, Pod/status, Pod/eviction, Pod/binding]}}]}
    validate: {message: "{{ request.kind.kind }} on pods/{{ request.subResource }}", deny: {}}
  - name: scale
    match: {any: [{resources: {kinds: ["*/scale"]}}]}
    validate: {message: "{{ request.kind.kind }} on {{ request.subResource }}", deny: {}}
  - name: pods
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      message: "ephemeral containers are not allowed"
      deny: {conditions: {any: [{key: "{{ request.subResource || '' }}", operator: Equals, value: ephemeralcontainers}]}}
`

// TestSubresourceRequestsReachTheirRules sends each subresource request as the API server does (its own kind, the
// parent's resource and the subresource) and checks that the rule naming it answers, with request.kind the request's.
func TestSubresourceRequestsReachTheirRules(t *testing.T) {
	e := engine.New()
	set := policy.NewLoader(e).LoadBytes("p.yaml", []byte(subresourcePolicies))
	require.Empty(t, set.Errors)
	store := policy.NewStore()
	store.ReplaceSource("test", set.Policies, nil)
	store.MarkReady()
	mapper := meta.NewDefaultRESTMapper(nil)
	mapper.Add(schema.GroupVersionKind{Version: "v1", Kind: "Pod"}, meta.RESTScopeNamespace)
	mapper.Add(schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}, meta.RESTScopeNamespace)
	h := &webhook.Handler{Engine: e, Store: store, Kinds: mapper}

	pods := metav1.GroupVersionResource{Version: "v1", Resource: "pods"}
	tests := []struct {
		name     string
		op       admissionv1.Operation
		kind     metav1.GroupVersionKind
		resource metav1.GroupVersionResource
		sub      string
		message  string // "" when admitted
	}{
		{"exec", "CONNECT", metav1.GroupVersionKind{Version: "v1", Kind: "PodExecOptions"}, pods, "exec", "PodExecOptions on pods/exec"},
		{"attach", "CONNECT", metav1.GroupVersionKind{Version: "v1", Kind: "PodAttachOptions"}, pods, "attach", "PodAttachOptions on pods/attach"},
		{"portforward", "CONNECT", metav1.GroupVersionKind{Version: "v1", Kind: "PodPortForwardOptions"}, pods, "portforward",
			"PodPortForwardOptions on pods/portforward"},
		{"status", "UPDATE", metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, pods, "status", "Pod on pods/status"},
		{"eviction", "CREATE", metav1.GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}, pods, "eviction",
			"Eviction on pods/eviction"},
		{"binding", "CREATE", metav1.GroupVersionKind{Version: "v1", Kind: "Binding"}, pods, "binding", "Binding on pods/binding"},
		{"ephemeral containers reach Pod rules", "UPDATE", metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, pods,
			"ephemeralcontainers", "ephemeral containers are not allowed"},
		{"scale of a Deployment", "UPDATE", metav1.GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"},
			metav1.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}, "scale", "Scale on scale"},
		{"a subresource no rule names", "CREATE", metav1.GroupVersionKind{Version: "v1", Kind: "Pod"}, pods, "log", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ar := &admissionv1.AdmissionRequest{UID: "uid-1", Kind: tt.kind, Resource: tt.resource, SubResource: tt.sub,
				Name: "web", Namespace: "shop", Operation: tt.op,
				Object: runtime.RawExtension{Raw: []byte(`{"apiVersion":"v1","kind":"` + tt.kind.Kind + `"}`)}}
			body, err := json.Marshal(admissionv1.AdmissionReview{
				TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}, Request: ar})
			require.NoError(t, err)
			w, resp := post(t, h, "/validate/fail/10", body)
			require.Equal(t, http.StatusOK, w.Code, w.Body.String())
			if tt.message == "" {
				assert.True(t, resp.Allowed, "%+v", resp.Result)
				return
			}
			require.False(t, resp.Allowed)
			assert.Contains(t, resp.Result.Message, tt.message)
		})
	}
}

// A subresource request whose resource the handler cannot name is refused, never evaluated as the wrong kind.
func TestSubresourceWithoutKindResolverIsRefused(t *testing.T) {
	h, _ := newHandler(t)
	h.Kinds = nil
	_, resp := post(t, h, "/validate/fail/10", review("CONNECT", "PodExecOptions", "exec", "shop",
		`{"apiVersion":"v1","kind":"PodExecOptions"}`, "", false))
	require.NotNil(t, resp)
	assert.False(t, resp.Allowed)
	assert.Contains(t, resp.Result.Message, "no kind resolver")
}
