package webhook

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// DefaultMaxRequestBytes is the default size limit of an AdmissionReview (the API server's own limit is 3 MiB).
const DefaultMaxRequestBytes = 3 << 20

// Handler answers AdmissionReview requests on the paths of package registration.
type Handler struct {
	Engine *engine.Engine
	Store  *policy.Store
	// Loader serves configMap and apiCall context entries; nil when no policy needs them.
	Loader engine.Loader
	// Namespaces gives namespace labels for namespaceSelector; nil leaves them empty.
	Namespaces NamespaceLabels
	// Kinds names the top-level kind of a subresource request's resource (a RESTMapper); a subresource request is
	// refused when it is nil.
	Kinds KindResolver
	// Audit records Audit-mode failures as events; nil records nothing.
	Audit Auditor
	// Generate records the requests of generate and mutate-existing rules for their controller; nil records nothing.
	Generate GenerateRecorder
	// Results takes the results of Audit rules for the policy reports; nil records none.
	Results ResultSink
	// Metrics may be nil.
	Metrics *Metrics
	// Excluded namespaces are never evaluated.
	Excluded []string
	// MaxRequestBytes limits the size of a review (DefaultMaxRequestBytes when 0).
	MaxRequestBytes int64
	// Log is the base logger.
	Log logr.Logger
}

// ServeHTTP reads an admission review, evaluates it and writes the answer.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	mutating, class, ok := registration.ParsePath(r.URL.Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	limit := h.MaxRequestBytes
	if limit <= 0 {
		limit = DefaultMaxRequestBytes
	}
	review, err := readReview(w, r, limit)
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	ar := review.Request
	log := requestLogger(h.Log, func() []any {
		return []any{"uid", ar.UID, "kind", ar.Kind.Kind, "namespace", ar.Namespace, "name", ar.Name,
			"operation", ar.Operation, "path", r.URL.Path}
	})
	ctx := logr.NewContext(r.Context(), log)
	resp := h.admit(ctx, ar, mutating, class)
	if err := writeReview(w, review, resp); err != nil {
		log.Error(err, "writing admission response")
	}
	webhookName := "validate"
	if mutating {
		webhookName = "mutate"
	}
	h.Metrics.observeRequest(webhookName, string(ar.Operation), ar.Kind.Kind, resp.Allowed, time.Since(start))
}

func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	status := http.StatusBadRequest
	var he *httpError
	if errors.As(err, &he) {
		status = he.status
	}
	h.Log.Info("refused admission request", "path", r.URL.Path, "status", status, "reason", err.Error())
	http.Error(w, err.Error(), status)
}

// admit evaluates one request against the policies of its webhook class.
func (h *Handler) admit(ctx context.Context, ar *admissionv1.AdmissionRequest, mutating bool, class engine.Webhook) *admissionv1.AdmissionResponse {
	if h.isExcluded(ar) {
		return &admissionv1.AdmissionResponse{Allowed: true}
	}
	if !h.Store.Ready() {
		if class.FailurePolicy == "Ignore" {
			return &admissionv1.AdmissionResponse{Allowed: true}
		}
		return denied(http.StatusServiceUnavailable, "bylaw has not loaded its policies yet")
	}
	req, err := toEngineRequest(ctx, ar, h.Namespaces, h.Kinds)
	if err != nil {
		return denied(http.StatusBadRequest, err.Error())
	}
	ctx, cancel := context.WithTimeout(ctx, evaluationBudget(class))
	defer cancel()
	snap := h.Store.Snapshot()
	in := engine.NewInput(req)
	policies := h.policiesFor(snap, in, req.Resource, mutating, class)
	opts := engine.EvalOptions{Loader: h.Loader, Exceptions: snap.Exceptions}
	if mutating {
		return h.mutate(ctx, req, in, policies, opts, class)
	}
	return h.validate(ctx, ar, in, policies, opts, class)
}

// evaluationBudget leaves a second of the webhook timeout for the way back to the API server.
func evaluationBudget(class engine.Webhook) time.Duration {
	d := time.Duration(class.TimeoutSeconds)*time.Second - time.Second
	return max(d, 500*time.Millisecond)
}

func (h *Handler) isExcluded(ar *admissionv1.AdmissionRequest) bool {
	if ar.Namespace != "" && slices.Contains(h.Excluded, ar.Namespace) {
		return true
	}
	return ar.Kind.Group == "" && ar.Kind.Kind == "Namespace" && slices.Contains(h.Excluded, ar.Name)
}

// policiesFor returns the policies of the snapshot this webhook class serves for the input, a request for resource:
// those with rules the engine runs on this webhook (StageMutate on the mutating one; StageValidate and StageTrigger
// on the validating one, which only records StageTrigger rules for the generate controller).
func (h *Handler) policiesFor(snap *policy.Snapshot, in *engine.Input, resource string, mutating bool, class engine.Webhook) []*engine.Policy {
	stages := engine.StageValidate | engine.StageTrigger
	if mutating {
		stages = engine.StageMutate
	}
	var out []*engine.Policy
	for _, p := range snap.Candidates(in.Kind(), resource) {
		if !p.Runs(stages) || registration.Normalize(p.Webhook) != class {
			continue
		}
		if p.Namespace != "" && p.Namespace != in.Namespace() {
			continue
		}
		out = append(out, p)
	}
	return out
}

func denied(code int32, message string) *admissionv1.AdmissionResponse {
	return &admissionv1.AdmissionResponse{Allowed: false, Result: &metav1.Status{
		Status: metav1.StatusFailure, Code: code, Reason: metav1.StatusReasonForbidden, Message: message,
	}}
}
