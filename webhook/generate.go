package webhook

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/bylaw-dev/bylaw/engine"
)

// GenerateRecorder records, durably, the work that the generate and mutate-existing rules of a policy ask for on an
// admitted request, for the generate controller to do.
type GenerateRecorder interface {
	// RecordGenerate records one request for policy p and the trigger of ar. An error means nothing was recorded.
	RecordGenerate(ctx context.Context, p *engine.Policy, ar *admissionv1.AdmissionRequest) error
}

// recordAttempts and recordBackoff bound the retries of a failed record; the evaluation budget bounds them too.
const (
	recordAttempts = 3
	recordBackoff  = 100 * time.Millisecond
)

// records reports whether p has rules the webhook records for the generate controller (generate, mutate-existing).
func records(p *engine.Policy) bool { return p.Runs(engine.StageTrigger) }

// recordGenerate records a request for every policy whose generate or mutate-existing rules select the admitted
// input (or, on an update, the old object). A record that still fails after brief retries denies the request on a fail-closed webhook and adds a
// warning on a fail-open one; either way it is logged and counted.
func (h *Handler) recordGenerate(ctx context.Context, ar *admissionv1.AdmissionRequest, in *engine.Input,
	policies []*engine.Policy, class engine.Webhook, resp *admissionv1.AdmissionResponse) *admissionv1.AdmissionResponse {
	if h.Generate == nil || !resp.Allowed || (ar.DryRun != nil && *ar.DryRun) || !slices.ContainsFunc(policies, records) {
		return resp // most requests: no policy of this webhook generates, so the old object is not decoded
	}
	log := logr.FromContextOrDiscard(ctx)
	old := h.oldInput(ctx, ar)
	for _, p := range policies {
		if !p.Triggers(in) && (old == nil || !p.Triggers(old)) {
			continue
		}
		err := h.recordWithRetry(ctx, p, ar)
		h.Metrics.observeGenerateRecord(p, err)
		if err == nil {
			continue
		}
		log.Error(err, "recording a generate request", "policy", p.Key(), "failurePolicy", class.FailurePolicy)
		msg := fmt.Sprintf("policy %s: the generate request for %s could not be recorded: %v", p.Key(), resourceName(ar), err)
		if class.FailurePolicy != "Ignore" {
			denial := denied(http.StatusInternalServerError, msg+"; the request is denied because the policy's failurePolicy is Fail")
			denial.Warnings = resp.Warnings
			return denial
		}
		resp.Warnings = append(resp.Warnings, msg)
	}
	return resp
}

// oldInput is the old object of an update, so that a trigger a rule no longer selects is recorded too: its
// synchronized downstream is then deleted. It is nil for other operations, or when the old object cannot be read.
func (h *Handler) oldInput(ctx context.Context, ar *admissionv1.AdmissionRequest) *engine.Input {
	if ar.Operation != admissionv1.Update || len(ar.OldObject.Raw) == 0 {
		return nil
	}
	req, err := toEngineRequest(ctx, ar, h.Namespaces, h.Kinds)
	if err != nil || req.OldObject == nil {
		return nil
	}
	req.Object, req.OldObject = req.OldObject, nil
	return engine.NewInput(req)
}

// recordWithRetry records once, then retries a few times with a short backoff while ctx allows.
func (h *Handler) recordWithRetry(ctx context.Context, p *engine.Policy, ar *admissionv1.AdmissionRequest) error {
	var last error
	backoff := wait.Backoff{Duration: recordBackoff, Factor: 2, Steps: recordAttempts}
	err := wait.ExponentialBackoffWithContext(ctx, backoff, func(ctx context.Context) (bool, error) {
		last = h.Generate.RecordGenerate(ctx, p, ar)
		return last == nil, nil
	})
	if last != nil {
		return last
	}
	return err
}
