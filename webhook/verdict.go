package webhook

import (
	"fmt"
	"net/http"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/bylaw-dev/bylaw/engine"
)

const (
	maxWarnings      = 20
	maxWarningLength = 240
)

// verdict collects the rule results of one request into an answer.
type verdict struct {
	class    engine.Webhook
	blocked  []blockedPolicy
	warnings []string
}

type blockedPolicy struct {
	policy string
	rules  []string // "rule: message"
}

// add records one rule result. Enforce failures block. An Enforce rule's error blocks on a fail-closed webhook, and
// whatever the failure policy when the engine cannot evaluate the rule at all (Ignore is for a webhook that cannot be
// reached or a context that cannot be loaded now, not for a rule that can never work). Audit failures, warnings and
// other errors become warnings.
func (v *verdict) add(p *engine.Policy, rr engine.RuleResult) {
	switch rr.Status {
	case engine.StatusFail:
		if rr.Action == engine.ActionEnforce {
			v.block(policyName(p), rr.Rule+": "+rr.Message)
			return
		}
		v.warn(p, rr)
	case engine.StatusError:
		if rr.Action == engine.ActionEnforce && (v.class.FailurePolicy != "Ignore" || rr.Unsupported) {
			v.block(policyName(p), rr.Rule+": error: "+rr.Message)
			return
		}
		v.warn(p, rr)
	case engine.StatusWarn:
		v.warn(p, rr)
	}
}

func (v *verdict) block(policy, line string) {
	for i := range v.blocked {
		if v.blocked[i].policy == policy {
			v.blocked[i].rules = append(v.blocked[i].rules, line)
			return
		}
	}
	v.blocked = append(v.blocked, blockedPolicy{policy: policy, rules: []string{line}})
}

func (v *verdict) warn(p *engine.Policy, rr engine.RuleResult) {
	if len(v.warnings) >= maxWarnings {
		return
	}
	w := fmt.Sprintf("policy %s/%s %s: %s", p.Key(), rr.Rule, rr.Status, rr.Message)
	if prov := p.Provenance.String(); prov != "" {
		w += " (" + prov + ")"
	}
	if len(w) > maxWarningLength {
		w = w[:maxWarningLength-3] + "..."
	}
	v.warnings = append(v.warnings, w)
}

// policyName names a policy in a denial, with its provenance when it came from a bundle.
func policyName(p *engine.Policy) string {
	if prov := p.Provenance.String(); prov != "" {
		return p.Key() + " (" + prov + ")"
	}
	return p.Key()
}

// response is the admission answer: denied with every blocking policy and rule, or allowed with the warnings.
func (v *verdict) response(resource string) *admissionv1.AdmissionResponse {
	if len(v.blocked) == 0 {
		return &admissionv1.AdmissionResponse{Allowed: true, Warnings: v.warnings}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "resource %s was blocked due to the following policies\n", resource)
	for _, bp := range v.blocked {
		fmt.Fprintf(&b, "\n%s:\n", bp.policy)
		for _, r := range bp.rules {
			fmt.Fprintf(&b, "  %s\n", r)
		}
	}
	resp := denied(http.StatusForbidden, strings.TrimSuffix(b.String(), "\n"))
	resp.Warnings = v.warnings
	return resp
}

// resourceName names the request's object as "Kind/namespace/name" (or "Kind/name" when cluster-scoped).
func resourceName(ar *admissionv1.AdmissionRequest) string {
	name := ar.Name
	if name == "" {
		name = "(generated name)"
	}
	if ar.Namespace == "" {
		return ar.Kind.Kind + "/" + name
	}
	return ar.Kind.Kind + "/" + ar.Namespace + "/" + name
}
