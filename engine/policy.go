package engine

import (
	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/match"
	"github.com/bylaw-dev/bylaw/engine/podsecurity"
	"github.com/bylaw-dev/bylaw/engine/variables"
	"github.com/bylaw-dev/bylaw/engine/wildcard"
)

// Action is what a failed validate rule does at admission.
type Action string

// Validation failure actions.
const (
	ActionAudit   Action = "Audit"
	ActionEnforce Action = "Enforce"
)

// Policy is a compiled ClusterPolicy or Policy: immutable, safe for concurrent use.
type Policy struct {
	Kind        string // ClusterPolicy, Policy, ValidatingPolicy, NamespacedValidatingPolicy, DeletingPolicy, ...
	Name        string
	Namespace   string // set for a namespaced Policy
	Annotations map[string]string
	Action      Action
	// Warn is set when a ValidatingPolicy's validationActions include Warn: failures are returned to the client as
	// admission warnings.
	Warn       bool
	Background bool
	// ApplyOne stops evaluation at the first rule that applied (spec.applyRules: One).
	ApplyOne bool
	// Admission is false when spec.admission is false: the policy runs in background scans only.
	Admission bool
	// Webhook holds the policy's webhook failure policy and timeout.
	Webhook Webhook
	// Provenance says where the policy came from; set by the loader's caller before the policy is shared.
	Provenance  Provenance
	Rules       []*Rule
	stages      Stage // the union of the rules' stages
	hasGenerate bool
	hasMutate   bool
	// cleanup is set for a cleanup policy (DeletingPolicy): its schedule and targets.
	cleanup   *Cleanup
	overrides []actionOverride
}

type actionOverride struct {
	action     Action
	namespaces []string
}

// Provenance is where a policy came from: the source that supplied it and, for a signed bundle, the git revision,
// the bundle digest and the signers.
type Provenance struct {
	Source   string
	Revision string
	Digest   string
	Signers  []string
}

// String describes the provenance for messages: "" for a policy without a revision.
func (p Provenance) String() string {
	if p.Revision == "" {
		return ""
	}
	return "from " + p.Source + " at " + p.Revision + ", bundle " + p.Digest
}

// Key returns the policy's identity: "name" for a ClusterPolicy, "namespace/name" for a Policy.
func (p *Policy) Key() string {
	if p.Namespace == "" {
		return p.Name
	}
	return p.Namespace + "/" + p.Name
}

// actionFor returns the failure action in force for a resource in namespace.
func (p *Policy) actionFor(namespace string) Action {
	return actionIn(p.overrides, namespace, p.Action)
}

// ActionFor returns the failure action in force for a resource in namespace, after overrides.
func (p *Policy) ActionFor(namespace string) Action { return p.actionFor(namespace) }

// ActionFor returns the failure action of the rule for a resource in namespace: its own validate.failureAction and
// failureActionOverrides, else the policy's.
func (r *Rule) ActionFor(namespace string) Action {
	return actionIn(r.overrides, namespace, r.action)
}

func actionIn(overrides []actionOverride, namespace string, fallback Action) Action {
	for _, o := range overrides {
		for _, ns := range o.namespaces {
			if wildcard.Match(ns, namespace) {
				return o.action
			}
		}
	}
	return fallback
}

// Rule is one compiled rule.
type Rule struct {
	Name string
	Type RuleType
	// Autogen is the rule the loader generated this one from, or "" for a rule written in the policy.
	Autogen string
	// Scope is what the rule needs the API server to send at admission, and the kinds it selects.
	Scope Scope

	stages    Stage
	action    Action
	overrides []actionOverride

	match         *match.Matcher
	exclude       *match.Matcher
	celMatch      *cel.Preconditions
	context       []contextEntry
	preconditions *conditionTree
	validate      *validation
	generate      *generateProgram
	mutate        *mutateProgram
	// vpol, when set, is a ValidatingPolicy rule: it selects by matchConstraints and validates with CEL.
	vpol *validatingProgram
	// dpol, when set, is a DeletingPolicy rule: it selects existing objects by matchConstraints and deletes those
	// its conditions hold for.
	dpol *deletingProgram
	// mpol, when set, is a MutatingPolicy rule: it selects by matchConstraints and mutates with CEL.
	mpol *mutatingProgram
	// unsupported, when set, says why the engine cannot evaluate this rule yet; it yields an error result.
	unsupported *UnsupportedRule
	passMessage string
}

type validation struct {
	message     *variables.Template
	podSecurity *podsecurity.Check
	cel         *celProgram
	pattern     *patternProgram
	anyPattern  []*patternProgram
	deny        *conditionTree
	foreach     []*foreachProgram
}

type foreachProgram struct {
	foreachHead
	elementScope *bool
	pattern      *patternProgram
	anyPattern   []*patternProgram
	deny         *conditionTree
	nested       []*foreachProgram
}
