package webhook

import (
	"context"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bylaw-dev/bylaw/engine"
)

// Auditor records failures of Audit rules, for example as Kubernetes events.
type Auditor interface {
	Audit(ctx context.Context, p *engine.Policy, rr engine.RuleResult, ar *admissionv1.AdmissionRequest)
}

// validate runs the validate rules of policies and answers with the verdict; an allowed request then has its generate
// requests recorded. Side effects (audit events, generate requests) are left out for dry-run requests.
func (h *Handler) validate(ctx context.Context, ar *admissionv1.AdmissionRequest, in *engine.Input,
	policies []*engine.Policy, opts engine.EvalOptions, class engine.Webhook) *admissionv1.AdmissionResponse {
	v := verdict{class: class}
	dryRun := ar.DryRun != nil && *ar.DryRun
	var audited []engine.PolicyResult
	for _, p := range policies {
		res := h.Engine.Validate(ctx, p, in, opts)
		audited = append(audited, auditResults(res))
		for _, rr := range res.Rules {
			h.Metrics.observeRule(p, rr)
			v.add(p, rr)
			if rr.Status == engine.StatusFail && rr.Action == engine.ActionAudit && !dryRun && h.Audit != nil {
				h.Audit.Audit(ctx, p, rr, ar)
			}
		}
	}
	resp := h.recordGenerate(ctx, ar, in, policies, class, v.response(resourceName(ar)))
	h.recordResults(ctx, ar, in, resp, audited)
	return resp
}
