package engine

import "strings"

// Stage is a place where Bylaw runs a rule. Every compiled rule knows its stages, so that the webhook, its
// registration, the scanner, the generate controller and the CLI ask the policy instead of deciding by rule type;
// a new rule type or policy kind then only has to say where it runs.
type Stage uint8

// The stages. A rule may run in several (a validate rule of a background policy runs at admission and in scans).
const (
	// StageMutate is the mutating admission webhook: the rule patches the object of the request.
	StageMutate Stage = 1 << iota
	// StageValidate is the validating admission webhook: the rule's result decides on the request. Rules the engine
	// cannot evaluate run here too, and answer with their error.
	StageValidate
	// StageTrigger is the validating admission webhook recording the request for the generate controller (generate
	// and mutate-existing rules).
	StageTrigger
	// StageScan is the background scanner: the rule is evaluated on existing objects and its results reach the
	// reports. Rules the engine cannot evaluate run here too, so their error is reported.
	StageScan
	// StageCleanup is the cleanup controller: on the policy's schedule it lists existing objects and deletes those
	// the rule passes (DeletingPolicy).
	StageCleanup
)

// admissionStages are the stages served by admission webhooks.
const admissionStages = StageMutate | StageValidate | StageTrigger

// Runs reports whether the rule runs in at least one of stages (a mask: StageValidate|StageScan).
func (r *Rule) Runs(stages Stage) bool { return r.stages&stages != 0 }

// Runs reports whether at least one rule of p runs in at least one of stages.
func (p *Policy) Runs(stages Stage) bool { return p.stages&stages != 0 }

// RulesIn returns the rules of p that run in at least one of stages, in order.
func (p *Policy) RulesIn(stages Stage) []*Rule {
	var out []*Rule
	for _, r := range p.Rules {
		if r.Runs(stages) {
			out = append(out, r)
		}
	}
	return out
}

// Triggers reports whether a StageTrigger rule of p (generate, mutate-existing) selects the input: admission then
// records the request for the generate controller.
func (p *Policy) Triggers(in *Input) bool {
	for _, r := range p.Rules {
		if r.Runs(StageTrigger) && r.Selects(in) {
			return true
		}
	}
	return false
}

// stagesOf says where a compiled rule of p runs: generate and mutate-existing rules are recorded at admission for
// their controller; mutate rules patch at admission; every other rule (validate, and those the engine cannot
// evaluate) validates at admission and, for a background policy, in scans.
func stagesOf(p *Policy, r *Rule) Stage {
	var s Stage
	switch {
	case r.generate != nil || r.IsMutateExisting():
		s = StageTrigger
	case r.mutate != nil:
		s = StageMutate
	default:
		s = StageValidate
		if p.Background {
			s |= StageScan
		}
	}
	if !p.Admission {
		s &^= admissionStages
	}
	return s
}

// UnsupportedRule is a rule of a policy that the engine cannot evaluate: it answers every resource it selects with an
// error result, and its policy is not Ready.
type UnsupportedRule struct {
	Rule   string
	Type   string // the rule type as written: verifyImages, validate.manifests, ...
	Reason string
}

// String names the rule, its type and the reason: "rule check (verifyImages): rule type verifyImages is not ...".
func (u UnsupportedRule) String() string { return "rule " + u.Rule + " (" + u.Type + "): " + u.Reason }

// DescribeUnsupported says, for a policy's status, which rules the engine cannot evaluate and what they do instead.
func DescribeUnsupported(rules []UnsupportedRule) string {
	parts := make([]string, len(rules))
	for i, u := range rules {
		parts[i] = u.String()
	}
	return strings.Join(parts, "; ") + "; these rules answer every resource they select with an error, " +
		"which denies under Enforce"
}

// Unsupported returns the rules of p the engine cannot evaluate, in order; none for a policy it fully evaluates.
func (p *Policy) Unsupported() []UnsupportedRule {
	var out []UnsupportedRule
	for _, r := range p.Rules {
		if r.unsupported != nil {
			out = append(out, *r.unsupported)
		}
	}
	return out
}
