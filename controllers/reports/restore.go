package reports

import (
	"context"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/reports"
)

// RestoreAdmission returns an Options.Restore that puts back into book the results of the policies keep selects
// (those only admission evaluates: no scan recomputes them), as the reports on the API server hold them. It waits
// for the store's first complete policy set; results of policies no longer in force, or with a resource reference
// that is not a single object, are left out. Restored results get the time of the restore as their timestamp.
func RestoreAdmission(store *policy.Store, book *reports.Book, keep func(*engine.Policy) bool) func(context.Context, []v1alpha2.PolicyReportResult) {
	return func(ctx context.Context, results []v1alpha2.PolicyReportResult) {
		if !store.WaitReady(ctx) {
			return
		}
		byKey := map[string]*engine.Policy{}
		for _, p := range store.Snapshot().Policies {
			if keep(p) {
				byKey[p.Key()] = p
			}
		}
		for res, byPolicy := range groupResults(results, byKey) {
			prs := make([]engine.PolicyResult, 0, len(byPolicy))
			for p, rules := range byPolicy {
				prs = append(prs, engine.PolicyResult{Policy: p, Rules: rules})
			}
			book.Update(res, prs)
		}
	}
}

// groupResults turns report results of the policies in byKey into rule results, by resource and policy.
func groupResults(results []v1alpha2.PolicyReportResult, byKey map[string]*engine.Policy) map[reports.Resource]map[*engine.Policy][]engine.RuleResult {
	out := map[reports.Resource]map[*engine.Policy][]engine.RuleResult{}
	for _, r := range results {
		p := byKey[r.Policy]
		if p == nil || len(r.Resources) != 1 {
			continue
		}
		ref := r.Resources[0]
		res := reports.Resource{APIVersion: ref.APIVersion, Kind: ref.Kind, Namespace: ref.Namespace, Name: ref.Name, UID: ref.UID}
		if out[res] == nil {
			out[res] = map[*engine.Policy][]engine.RuleResult{}
		}
		out[res][p] = append(out[res][p], engine.RuleResult{Rule: r.Rule, Status: engine.Status(r.Result),
			Message: r.Message, Action: engine.ActionAudit, Exception: r.Properties[reports.PropertyException]})
	}
	return out
}
