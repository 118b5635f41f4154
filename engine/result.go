package engine

// Status is the outcome of one rule on one resource.
type Status string

// The rule outcomes, as in PolicyReports.
const (
	StatusPass  Status = "pass"
	StatusFail  Status = "fail"
	StatusWarn  Status = "warn"
	StatusError Status = "error"
	StatusSkip  Status = "skip"
)

// RuleType names the kind of work a rule does.
type RuleType string

// Rule types of the Kyverno v1 policy language.
const (
	RuleValidate     RuleType = "Validation"
	RuleMutate       RuleType = "Mutation"
	RuleGenerate     RuleType = "Generation"
	RuleVerifyImages RuleType = "ImageVerify"
)

// RuleResult is the outcome of one rule of one policy on one resource.
type RuleResult struct {
	Rule    string
	Type    RuleType
	Status  Status
	Message string
	// Exception names the PolicyException (namespace/name) that turned a failure into a skip, if any.
	Exception string
	// Unsupported is set on the error result of a rule whose type the engine does not evaluate yet.
	Unsupported bool
	// Action is the failure action of a validate rule for the resource's namespace (Enforce or Audit).
	Action Action
	// AuditAnnotations are a ValidatingPolicy's audit annotation values, by key.
	AuditAnnotations map[string]string
}

// PolicyResult holds the results of every rule of a policy that applied to the resource. Rules whose match did not
// select the resource, or whose exclude removed it, produce no result.
type PolicyResult struct {
	Policy *Policy
	Rules  []RuleResult
	// Generated holds the objects the policy's generate rules ask for (Evaluate only).
	Generated []Generated
	// Patched is the object after the policy's mutate rules, nil when they changed nothing (Evaluate only).
	Patched map[string]any
	// PatchedTargets are the existing objects the policy's mutate-existing rules changed (Evaluate only).
	PatchedTargets []PatchedTarget
}

// Blocked reports whether at least one rule failed or errored under an Enforce action: `bylaw apply` then exits 1, as
// admission would deny (a rule the engine cannot evaluate denies whatever the failure policy).
func (r PolicyResult) Blocked() bool {
	for _, rr := range r.Rules {
		if (rr.Status == StatusFail || rr.Status == StatusError) && rr.Action == ActionEnforce {
			return true
		}
	}
	return false
}
