package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// reviewAt sends an AdmissionReview for an UPDATE of p to the webhook of replica r (as the API server would if r
// were behind the Service) and returns whether it was allowed.
func reviewAt(t *testing.T, r *replica, p *corev1.Pod, class engine.Webhook) bool {
	t.Helper()
	p = p.DeepCopy()
	p.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"} // as the API server sends objects
	raw, err := json.Marshal(p)
	require.NoError(t, err)
	review := admissionv1.AdmissionReview{TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: types.UID(fmt.Sprintf("e2e-%d", time.Now().UnixNano())),
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Pod"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "pods"},
			Namespace: p.Namespace, Name: p.Name, Operation: admissionv1.Update,
			Object: runtime.RawExtension{Raw: raw}, OldObject: runtime.RawExtension{Raw: raw}}}
	body, err := json.Marshal(review)
	require.NoError(t, err)
	// The replica's serving certificate is issued by Bylaw's own CA for 127.0.0.1; the test trusts the connection
	// because it dials the address it started the replica on.
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, r.webhookURL+registration.Path(false, class),
		bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var answer admissionv1.AdmissionReview
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&answer))
	return answer.Response.Allowed
}
