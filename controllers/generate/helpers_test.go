package generate_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/rand"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/controllers/generate"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// setPolicies compiles docs and makes them the policy set of the store's source "test".
func (e *env) setPolicies(docs ...string) {
	e.t.Helper()
	e.setPoliciesFrom("test", docs...)
}

// setPoliciesFrom compiles docs and makes them the policy set of the store's source, with that provenance.
func (e *env) setPoliciesFrom(source string, docs ...string) {
	e.t.Helper()
	set := policy.NewLoader(e.engine).LoadBytes("policies.yaml", []byte(strings.Join(docs, "\n---\n")))
	require.Empty(e.t, set.Errors)
	for _, p := range set.Policies {
		p.Provenance = engine.Provenance{Source: source, Revision: "main@sha1:0123456789abcdef", Digest: "sha256:00"}
	}
	e.store.ReplaceSource(source, set.Policies, nil)
}

// namespace creates a namespace with a random name and the given labels.
func (e *env) newNamespace(labels map[string]string) *corev1.Namespace {
	e.t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns-" + rand.String(8), Labels: labels}}
	require.NoError(e.t, e.client.Create(e.ctx, ns))
	return ns
}

func (e *env) configMap(namespace, name string, labels, data map[string]string) *corev1.ConfigMap {
	e.t.Helper()
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: labels}, Data: data}
	require.NoError(e.t, e.client.Create(e.ctx, cm))
	return cm
}

// admit sends obj through the admission handler, as the API server does, and requires it to be allowed.
func (e *env) admit(op admissionv1.Operation, obj client.Object) {
	e.t.Helper()
	if op == admissionv1.Delete {
		e.review(op, nil, obj)
		return
	}
	e.review(op, obj, nil)
}

// admitUpdate sends the update of old to obj through the admission handler.
func (e *env) admitUpdate(obj, old client.Object) {
	e.t.Helper()
	e.review(admissionv1.Update, obj, old)
}

func (e *env) review(op admissionv1.Operation, obj, old client.Object) {
	e.t.Helper()
	e.reviewAt("/validate/fail/10", op, obj, old)
}

// reviewAt sends the request to the webhook path of one failure policy and timeout (/validate/ignore/10).
func (e *env) reviewAt(path string, op admissionv1.Operation, obj, old client.Object) {
	e.t.Helper()
	some := obj
	if some == nil {
		some = old
	}
	gvk, err := apiutil.GVKForObject(some, e.client.Scheme())
	require.NoError(e.t, err)
	ar := &admissionv1.AdmissionRequest{UID: types.UID(rand.String(8)), Operation: op, Name: some.GetName(),
		Namespace: some.GetNamespace(), Kind: metav1.GroupVersionKind{Group: gvk.Group, Version: gvk.Version, Kind: gvk.Kind}}
	if gvk.Group == "" && gvk.Kind == "Namespace" {
		ar.Namespace = some.GetName() // as the API server does
	}
	ar.Object = e.raw(obj, gvk)
	ar.OldObject = e.raw(old, gvk)
	body, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"}, Request: ar})
	require.NoError(e.t, err)
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, r)
	require.Equal(e.t, http.StatusOK, w.Code, w.Body.String())
	var out admissionv1.AdmissionReview
	require.NoError(e.t, json.Unmarshal(w.Body.Bytes(), &out))
	require.True(e.t, out.Response.Allowed, "%+v", out.Response.Result)
}

func (e *env) raw(obj client.Object, gvk schema.GroupVersionKind) runtime.RawExtension {
	e.t.Helper()
	if obj == nil {
		return runtime.RawExtension{}
	}
	obj.GetObjectKind().SetGroupVersionKind(gvk)
	data, err := json.Marshal(obj)
	require.NoError(e.t, err)
	return runtime.RawExtension{Raw: data}
}

// requests returns the GenerateRequests in Bylaw's namespace.
func (e *env) requests() []v1alpha1.GenerateRequest {
	e.t.Helper()
	var list v1alpha1.GenerateRequestList
	require.NoError(e.t, e.client.List(e.ctx, &list, client.InNamespace(e.namespace)))
	return list.Items
}

// eventuallyObject waits until the object exists and check passes on it.
func (e *env) eventuallyObject(obj client.Object, namespace, name string, check func(c *assert.CollectT)) {
	e.t.Helper()
	require.EventuallyWithT(e.t, func(c *assert.CollectT) {
		if !assert.NoError(c, e.client.Get(e.ctx, client.ObjectKey{Namespace: namespace, Name: name}, obj)) {
			return
		}
		if check != nil {
			check(c)
		}
	}, wait, 100*time.Millisecond)
}

// eventuallyGone waits until the object is not found.
func (e *env) eventuallyGone(obj client.Object, namespace, name string) {
	e.t.Helper()
	require.EventuallyWithT(e.t, func(c *assert.CollectT) {
		err := e.client.Get(e.ctx, client.ObjectKey{Namespace: namespace, Name: name}, obj)
		assert.True(c, apierrors.IsNotFound(err), "still there: %v", err)
	}, wait, 100*time.Millisecond)
}

// eventuallyNoRequests waits until every GenerateRequest is done.
func (e *env) eventuallyNoRequests() {
	e.t.Helper()
	require.EventuallyWithT(e.t, func(c *assert.CollectT) {
		assert.Empty(c, e.requests())
	}, wait, 100*time.Millisecond)
}

// downstreamLabels are the labels every generated object of policy and rule for trigger carries.
func downstreamLabels(policyKey, rule string, trigger client.Object, kind, namespace string) map[string]string {
	return map[string]string{
		generate.LabelManagedBy: generate.ManagedBy, generate.LabelPolicy: policyKey, generate.LabelRule: rule,
		generate.LabelTriggerUID: string(trigger.GetUID()), generate.LabelTriggerKind: kind,
		generate.LabelTriggerNamespace: namespace, generate.LabelTriggerName: trigger.GetName(),
	}
}
