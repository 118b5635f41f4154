package monitor

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	jsonpatch "github.com/evanphx/json-patch/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func review(t *testing.T, op admissionv1.Operation, namespace, kind string, meta map[string]any) []byte {
	t.Helper()
	obj, err := json.Marshal(map[string]any{"apiVersion": "coordination.k8s.io/v1", "kind": kind, "metadata": meta})
	require.NoError(t, err)
	body, err := json.Marshal(admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{UID: "u-1", Operation: op, Namespace: namespace,
			Kind:   metav1.GroupVersionKind{Group: "coordination.k8s.io", Version: "v1", Kind: kind},
			Object: runtime.RawExtension{Raw: obj}},
	})
	require.NoError(t, err)
	return body
}

func TestHandlerStampsMonitorLeasesOnly(t *testing.T) {
	h := &Handler{Namespace: "bylaw-system", Replica: "bylaw-0",
		Now: func() time.Time { return time.Date(2026, 12, 7, 17, 0, 0, 5, time.UTC) }}
	label := map[string]any{LabelMonitor: LabelValue}
	stamp := map[string]any{AnnotationCalledAt: "2026-12-07T17:00:00.000000005Z", AnnotationAnsweredBy: "bylaw-0"}
	tests := []struct {
		name string
		body []byte
		// want is the Lease's annotations after the patch; nil: no patch.
		want map[string]any
	}{
		{"monitor Lease without annotations",
			review(t, admissionv1.Update, "bylaw-system", "Lease", map[string]any{"name": "l", "labels": label}), stamp},
		{"monitor Lease with annotations: kept, stamp replaced",
			review(t, admissionv1.Update, "bylaw-system", "Lease", map[string]any{"name": "l", "labels": label,
				"annotations": map[string]any{"a/b": "c", AnnotationCalledAt: "old"}}),
			map[string]any{"a/b": "c", AnnotationCalledAt: stamp[AnnotationCalledAt], AnnotationAnsweredBy: "bylaw-0"}},
		{"a Lease without the label",
			review(t, admissionv1.Update, "bylaw-system", "Lease", map[string]any{"name": "bylaw-leader"}), nil},
		{"a monitor Lease in another namespace",
			review(t, admissionv1.Update, "team-a", "Lease", map[string]any{"name": "l", "labels": label}), nil},
		{"a create", review(t, admissionv1.Create, "bylaw-system", "Lease", map[string]any{"name": "l", "labels": label}), nil},
		{"another kind",
			review(t, admissionv1.Update, "bylaw-system", "ConfigMap", map[string]any{"name": "l", "labels": label}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/monitor", bytes.NewReader(tt.body)))
			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			var out admissionv1.AdmissionReview
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out))
			require.NotNil(t, out.Response)
			assert.True(t, out.Response.Allowed, "the monitor never denies")
			assert.Equal(t, "u-1", string(out.Response.UID))
			if tt.want == nil {
				assert.Nil(t, out.Response.Patch)
				return
			}
			var in admissionv1.AdmissionReview
			require.NoError(t, json.Unmarshal(tt.body, &in))
			patch, err := jsonpatch.DecodePatch(out.Response.Patch)
			require.NoError(t, err)
			patched, err := patch.Apply(in.Request.Object.Raw)
			require.NoError(t, err)
			var obj struct {
				Metadata struct {
					Annotations map[string]any `json:"annotations"`
				} `json:"metadata"`
			}
			require.NoError(t, json.Unmarshal(patched, &obj))
			assert.Equal(t, tt.want, obj.Metadata.Annotations)
		})
	}
}

func TestHandlerRefusesWhatIsNotAReview(t *testing.T) {
	h := &Handler{Namespace: "bylaw-system", Replica: "bylaw-0"}
	tests := []struct {
		name, method string
		body         []byte
		want         int
	}{
		{"GET", http.MethodGet, nil, http.StatusMethodNotAllowed},
		{"not JSON", http.MethodPost, []byte("{"), http.StatusBadRequest},
		{"no request", http.MethodPost, []byte(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`), http.StatusBadRequest},
		{"too large", http.MethodPost, bytes.Repeat([]byte(" "), maxReviewBytes+1), http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, "/monitor", bytes.NewReader(tt.body)))
			assert.Equal(t, tt.want, rec.Code)
		})
	}
}
