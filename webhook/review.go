package webhook

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	admissionv1 "k8s.io/api/admission/v1"
)

// httpError is a request the handler refuses before evaluation, with the HTTP status to answer.
type httpError struct {
	status int
	err    error
}

func (e *httpError) Error() string { return e.err.Error() }
func (e *httpError) Unwrap() error { return e.err }

func badRequest(format string, args ...any) error {
	return &httpError{status: http.StatusBadRequest, err: fmt.Errorf(format, args...)}
}

// readReview decodes an AdmissionReview v1 from r, reading at most limit bytes.
func readReview(w http.ResponseWriter, r *http.Request, limit int64) (*admissionv1.AdmissionReview, error) {
	if r.Method != http.MethodPost {
		return nil, &httpError{status: http.StatusMethodNotAllowed, err: fmt.Errorf("method %s: only POST is served", r.Method)}
	}
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		return nil, &httpError{status: http.StatusUnsupportedMediaType,
			err: fmt.Errorf("content type %q: only application/json is served", r.Header.Get("Content-Type"))}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, &httpError{status: http.StatusRequestEntityTooLarge,
				err: fmt.Errorf("admission review larger than %d bytes", limit)}
		}
		return nil, badRequest("reading admission review: %w", err)
	}
	var review admissionv1.AdmissionReview
	if err := json.Unmarshal(body, &review); err != nil {
		return nil, badRequest("decoding admission review: %w", err)
	}
	if review.APIVersion != admissionv1.SchemeGroupVersion.String() || review.Kind != "AdmissionReview" {
		return nil, badRequest("expected %s AdmissionReview, got %q %q", admissionv1.SchemeGroupVersion, review.APIVersion, review.Kind)
	}
	if review.Request == nil {
		return nil, badRequest("admission review has no request")
	}
	if review.Request.UID == "" {
		return nil, badRequest("admission review request has no uid")
	}
	return &review, nil
}

// writeReview answers with resp as the review's response.
func writeReview(w http.ResponseWriter, req *admissionv1.AdmissionReview, resp *admissionv1.AdmissionResponse) error {
	resp.UID = req.Request.UID
	out := admissionv1.AdmissionReview{TypeMeta: req.TypeMeta, Response: resp}
	data, err := json.Marshal(out)
	if err != nil {
		return fmt.Errorf("encoding admission review: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	_, err = w.Write(data)
	return err
}
