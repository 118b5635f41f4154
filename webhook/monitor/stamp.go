package monitor

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	// LabelMonitor marks the monitor Leases, with the value "true": the monitor webhook's objectSelector.
	LabelMonitor = "bylaw.dev/webhook-monitor"
	// LabelValue is the value of LabelMonitor.
	LabelValue = "true"
	// AnnotationCalledAt is the time (RFC 3339 with nanoseconds) the webhook was called for the Lease update.
	AnnotationCalledAt = "bylaw.dev/webhook-called-at"
	// AnnotationAnsweredBy names the replica that answered the call.
	AnnotationAnsweredBy = "bylaw.dev/webhook-answered-by"
	// maxReviewBytes bounds a review: a Lease is small.
	maxReviewBytes = 64 << 10
)

// Handler is the monitor webhook: it answers every review with "allowed", and for an update of a monitor Lease in
// Namespace it adds AnnotationCalledAt and AnnotationAnsweredBy with a JSON patch. It never denies.
type Handler struct {
	// Namespace is Bylaw's namespace, where the monitor Leases are.
	Namespace string
	// Replica names the replica answering.
	Replica string
	// Now returns the time; time.Now when nil.
	Now func() time.Time
}

// ServeHTTP reads an AdmissionReview and writes the answer.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST an AdmissionReview", http.StatusMethodNotAllowed)
		return
	}
	var review admissionv1.AdmissionReview
	body, err := io.ReadAll(io.LimitReader(r.Body, maxReviewBytes+1))
	switch {
	case err != nil:
		http.Error(w, "reading the review: "+err.Error(), http.StatusBadRequest)
		return
	case len(body) > maxReviewBytes:
		http.Error(w, "review too large", http.StatusRequestEntityTooLarge)
		return
	}
	if err := json.Unmarshal(body, &review); err != nil || review.Request == nil {
		http.Error(w, fmt.Sprintf("not an AdmissionReview with a request: %v", err), http.StatusBadRequest)
		return
	}
	resp := &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: true}
	if patch, err := h.patch(review.Request); err == nil && patch != nil {
		pt := admissionv1.PatchTypeJSONPatch
		resp.Patch, resp.PatchType = patch, &pt
	}
	review.Request, review.Response = nil, resp
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(review)
}

// patch returns the JSON patch stamping a monitor Lease, or nil for any other object.
func (h *Handler) patch(req *admissionv1.AdmissionRequest) ([]byte, error) {
	if req.Kind.Group != "coordination.k8s.io" || req.Kind.Kind != "Lease" || req.Namespace != h.Namespace ||
		req.Operation != admissionv1.Update {
		return nil, nil
	}
	var obj metav1.PartialObjectMetadata
	if err := json.Unmarshal(req.Object.Raw, &obj); err != nil {
		return nil, fmt.Errorf("decoding the Lease: %w", err)
	}
	if obj.Labels[LabelMonitor] != LabelValue {
		return nil, errors.New("not a monitor Lease")
	}
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	stamp := map[string]string{AnnotationCalledAt: now().UTC().Format(time.RFC3339Nano), AnnotationAnsweredBy: h.Replica}
	type op struct {
		Op    string `json:"op"`
		Path  string `json:"path"`
		Value any    `json:"value"`
	}
	if obj.Annotations == nil {
		return json.Marshal([]op{{Op: "add", Path: "/metadata/annotations", Value: stamp}})
	}
	// "add" replaces a member that exists (RFC 6902 4.1).
	return json.Marshal([]op{
		{Op: "add", Path: "/metadata/annotations/" + escape(AnnotationCalledAt), Value: stamp[AnnotationCalledAt]},
		{Op: "add", Path: "/metadata/annotations/" + escape(AnnotationAnsweredBy), Value: stamp[AnnotationAnsweredBy]},
	})
}

// escape escapes a JSON pointer token (RFC 6901).
func escape(token string) string {
	return strings.ReplaceAll(strings.ReplaceAll(token, "~", "~0"), "/", "~1")
}
