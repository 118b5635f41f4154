package webhook

import (
	"context"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bylaw-dev/bylaw/engine"
)

// ResultSink takes the results of Audit rules at admission, for the policy reports.
type ResultSink interface {
	// Admitted records results of the admitted object obj: one PolicyResult per evaluated policy, holding its Audit
	// rules that applied. A result without rules says the policy has no Audit result on obj (any older one goes).
	Admitted(ctx context.Context, obj map[string]any, results []engine.PolicyResult)
}

// auditResults keeps the Audit rules of a policy's result.
func auditResults(res engine.PolicyResult) engine.PolicyResult {
	out := engine.PolicyResult{Policy: res.Policy}
	for _, rr := range res.Rules {
		if rr.Action == engine.ActionAudit {
			out.Rules = append(out.Rules, rr)
		}
	}
	return out
}

// recordResults hands the Audit results of an allowed create or update to the sink; dry runs and deletions are left
// out (a deleted object has no report entry to keep).
func (h *Handler) recordResults(ctx context.Context, ar *admissionv1.AdmissionRequest, in *engine.Input,
	resp *admissionv1.AdmissionResponse, results []engine.PolicyResult) {
	if h.Results == nil || len(results) == 0 || !resp.Allowed || (ar.DryRun != nil && *ar.DryRun) {
		return
	}
	if ar.Operation != admissionv1.Create && ar.Operation != admissionv1.Update {
		return
	}
	h.Results.Admitted(ctx, in.Object(), results)
}
