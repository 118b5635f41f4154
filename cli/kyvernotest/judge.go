package kyvernotest

import (
	"context"
	"fmt"

	"github.com/bylaw-dev/bylaw/engine"
)

// Actual results that are not rule statuses.
const (
	reasonOk       = "Ok"
	reasonExcluded = "Excluded"
)

// scoreResult scores an entry on one policy and resource: one row per rule result the entry names; when the
// policy produced none, one row with the actual result skip.
func (s *suite) scoreResult(ctx context.Context, base Row, e *Result, p *engine.Policy, r *loadedResource, sc scoring) []Row {
	res := s.result(ctx, p, r)
	var rows []Row
	for _, rr := range res.Rules {
		if e.Rule != "" && !ruleNameMatches(rr.Rule, e.Rule) {
			continue
		}
		row := base
		if rr.Unsupported {
			rows = append(rows, skipped(row, rr.Message))
			continue
		}
		row.Actual = string(rr.Status)
		row = s.checkGenerated(judge(row, rr.Message, sc), e, res)
		if rr.Type == engine.RuleMutate {
			row = s.checkPatched(row, e, res, r)
		}
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		return rows
	}
	return []Row{judgeNotApplied(base, notAppliedReason(p, e.Rule, r), sc)}
}

// judge compares the actual result of a row with the expected one.
func judge(row Row, message string, sc scoring) Row {
	if row.Actual == row.Expected {
		row.Outcome, row.Reason = OutcomePass, reasonOk
		return row
	}
	want := fmt.Sprintf("Want %s, got %s", row.Expected, row.Actual)
	if message != "" {
		want += ": " + message
	}
	if sc.kyverno && row.Expected == string(engine.StatusFail) {
		row.Outcome, row.Reason = OutcomePass, want+" (passes under Kyverno v1.19 scoring)"
		return row
	}
	return failed(row, want)
}

// judgeNotApplied scores a row whose policy gave no result for the rule: the actual result is skip.
func judgeNotApplied(row Row, why notApplied, sc scoring) Row {
	row.Actual = string(engine.StatusSkip)
	if why.ruleMissing {
		if sc.kyverno {
			row.Outcome, row.Reason = OutcomePass, reasonExcluded+": "+why.text
			return row
		}
		return failed(row, why.text)
	}
	if row.Expected == string(engine.StatusSkip) || sc.kyverno {
		row.Outcome, row.Reason = OutcomePass, reasonExcluded+": "+why.text
		return row
	}
	return failed(row, fmt.Sprintf("Want %s, got skip: %s", row.Expected, why.text))
}

// notApplied says why a policy gave no result for a rule on a resource.
type notApplied struct {
	text        string
	ruleMissing bool // the policy has no such rule: the test is wrong
}

func notAppliedReason(p *engine.Policy, rule string, r *loadedResource) notApplied {
	if p.Namespace != "" && p.Namespace != r.namespace {
		return notApplied{text: fmt.Sprintf("the policy applies to namespace %s only", p.Namespace)}
	}
	found := false
	in := r.res.Input()
	for _, pr := range p.Rules {
		if rule != "" && !ruleNameMatches(pr.Name, rule) {
			continue
		}
		found = true
		if pr.Selects(in) && !pr.MatchConditionsHold(in) {
			return notApplied{text: "the policy's matchConditions do not hold"}
		}
		if pr.Selects(in) {
			return notApplied{text: "an earlier rule applied (applyRules: One)"}
		}
		if pr.MatchesIgnoringExclude(in) {
			return notApplied{text: "the rule's exclude removed the resource"}
		}
	}
	if !found {
		return notApplied{text: fmt.Sprintf("policy %s has no rule %s", p.Name, rule), ruleMissing: true}
	}
	return notApplied{text: "the rule did not match the resource"}
}
