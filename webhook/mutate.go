package webhook

import (
	"context"
	"encoding/json"
	"net/http"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/engine/mutate"
)

// mutate applies the mutate rules of policies in order, each policy to the object the previous ones left, and
// answers with one JSON patch against the admitted object. A rule error fails the request on a fail-closed webhook.
func (h *Handler) mutate(ctx context.Context, req engine.Request, in *engine.Input, policies []*engine.Policy,
	opts engine.EvalOptions, class engine.Webhook) *admissionv1.AdmissionResponse {
	v := verdict{class: class}
	cur := in
	for _, p := range policies {
		res := h.Engine.Mutate(ctx, p, cur, opts)
		for _, rr := range res.Rules {
			if !isMutatingRule(p, rr.Rule) {
				continue // mutate-existing rules are applied by their controller
			}
			h.Metrics.observeRule(p, rr)
			if rr.Status == engine.StatusError || rr.Status == engine.StatusFail {
				rr.Action = engine.ActionEnforce
			}
			v.add(p, rr)
		}
		if res.Patched != nil {
			next := req
			next.Object = res.Patched
			cur = engine.NewInput(next)
		}
	}
	if len(v.blocked) > 0 {
		return v.response(describe(req))
	}
	resp := &admissionv1.AdmissionResponse{Allowed: true, Warnings: v.warnings}
	if cur == in {
		return resp
	}
	ops, err := mutate.Diff(in.Object(), cur.Object())
	if err != nil {
		return denied(http.StatusInternalServerError, "computing the mutation patch: "+err.Error())
	}
	if len(ops) == 0 {
		return resp
	}
	patch, err := json.Marshal(ops)
	if err != nil {
		return denied(http.StatusInternalServerError, "encoding the mutation patch: "+err.Error())
	}
	pt := admissionv1.PatchTypeJSONPatch
	resp.Patch, resp.PatchType = patch, &pt
	return resp
}

func isMutatingRule(p *engine.Policy, name string) bool {
	for _, r := range p.Rules {
		if r.Name == name {
			return r.Runs(engine.StageMutate)
		}
	}
	return false
}

func describe(req engine.Request) string {
	kind := ""
	if req.Kind != nil {
		kind = req.Kind.Kind
	}
	ar := &admissionv1.AdmissionRequest{Name: req.Name, Namespace: req.Namespace}
	ar.Kind.Kind = kind
	return resourceName(ar)
}
