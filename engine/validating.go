package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// ValidatingSource is a ValidatingPolicy or NamespacedValidatingPolicy as the loader read it, with the variants the
// loader generated for Pod controllers (autogen).
type ValidatingSource struct {
	Kind        string // ValidatingPolicy or NamespacedValidatingPolicy
	Name        string
	Namespace   string // set for a NamespacedValidatingPolicy
	Annotations map[string]string
	Spec        *policiesv1.ValidatingPolicySpec
	Variants    []ValidatingVariant
}

// ValidatingVariant is one generated variant of a validating policy: the spec rewritten for Pod controllers and
// the rule name its results carry.
type ValidatingVariant struct {
	Rule string
	Spec *policiesv1.ValidatingPolicySpec
}

// validatingProgram is a compiled validating policy spec: which requests it selects and the CEL it runs.
type validatingProgram struct {
	constraints *match.Constraints
	conditions  *cel.Preconditions
	program     *cel.Program
	// jsonMode is evaluation.mode JSON: the input is any JSON payload, selected whatever its kind.
	jsonMode bool
	// ignoreMatchErrors is failurePolicy Ignore: a match condition that cannot be evaluated leaves the request
	// unselected, as in Kyverno; under Fail it is an error result.
	ignoreMatchErrors bool
	// namespace confines the CEL libraries' outside reads of a namespaced policy.
	namespace string
	// lazy, when set, compiles conditions and program on first use: the Pod-controller variants of a policy, whose
	// CEL is the policy's own with paths moved, are compiled only once a controller is evaluated.
	lazy *lazyCEL
	// admission is set for a Kubernetes ValidatingAdmissionPolicy: its binding's match, params and failure policy.
	admission *admissionBinding
}

// lazyCEL compiles a variant's CEL once, on first use; an error is the variant's error result, never a pass.
type lazyCEL struct {
	once  sync.Once
	build func(*validatingProgram) error
	err   error
}

// compiled makes sure the program's CEL is compiled and returns the compile error, if any.
func (v *validatingProgram) compiled() error {
	if v.lazy == nil {
		return nil
	}
	v.lazy.once.Do(func() { v.lazy.err = v.lazy.build(v) })
	return v.lazy.err
}

// CompileValidating turns a ValidatingPolicy into its evaluation program: one rule named after the policy, plus one
// per variant (its results carry the policy's name too, as in Kyverno's reports; Rule.Autogen marks them). Every error names the field; all are returned joined.
func (e *Engine) CompileValidating(src ValidatingSource) (*Policy, error) {
	spec := src.Spec
	p := &Policy{
		Kind: src.Kind, Name: src.Name, Namespace: src.Namespace, Annotations: src.Annotations,
		Action:     actionOfValidating(spec.ValidationActions()),
		Warn:       slices.Contains(spec.ValidationActions(), admissionregistrationv1.Warn),
		Background: spec.BackgroundEnabled(),
		Admission:  spec.AdmissionEnabled(),
		Webhook:    webhookOfValidating(spec),
	}
	errs := checkValidatingSpec(spec)
	variants := append([]ValidatingVariant{{Rule: src.Name, Spec: spec}}, src.Variants...)
	for i, v := range variants {
		r, err := e.compileValidatingRule(v, p, i > 0)
		if err != nil {
			field := "spec"
			if i > 0 {
				field = fmt.Sprintf("autogen variant %d", i)
			}
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
			continue
		}
		if i > 0 {
			r.Autogen = src.Name
		}
		p.Rules = append(p.Rules, r)
		p.stages |= r.stages
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// compileValidatingRule compiles one spec of a policy; a variant's CEL (lazy) is compiled on first use.
func (e *Engine) compileValidatingRule(v ValidatingVariant, p *Policy, lazy bool) (*Rule, error) {
	prog := &validatingProgram{jsonMode: v.Spec.EvaluationMode() == policiesv1.EvaluationModeJSON,
		ignoreMatchErrors: v.Spec.EffectiveFailurePolicy() == admissionregistrationv1.Ignore, namespace: p.Namespace}
	var err error
	if prog.constraints, err = match.CompileConstraints(v.Spec.MatchConstraints); err != nil {
		return nil, fmt.Errorf("matchConstraints: %w", err)
	}
	build := func(prog *validatingProgram) error { return e.compileValidatingCEL(prog, v.Spec) }
	if lazy {
		prog.lazy = &lazyCEL{build: build}
	} else if err := build(prog); err != nil {
		return nil, err
	}
	r := &Rule{Name: v.Rule, Type: RuleValidate, action: p.Action, vpol: prog,
		passMessage: "validation policy " + p.Name + " passed.",
		Scope:       Scope{Resources: prog.constraints.Rules()}}
	r.stages = stagesOf(p, r)
	return r, nil
}

// compileValidatingCEL compiles the match conditions and the validations, variables and audit annotations of spec
// into prog.
func (e *Engine) compileValidatingCEL(prog *validatingProgram, spec *policiesv1.ValidatingPolicySpec) error {
	c, err := e.policyCEL.get()
	if err != nil {
		return fmt.Errorf("CEL environment: %w", err)
	}
	ns := cel.WithNamespace(prog.namespace)
	if prog.conditions, err = c.CompilePreconditions(spec.MatchConditions, ns); err != nil {
		return fmt.Errorf("matchConditions: %w", err)
	}
	body := &v1alpha1.CEL{Expressions: spec.Validations, Variables: spec.Variables, AuditAnnotations: spec.AuditAnnotations}
	prog.program, err = c.Compile(body, cel.WithExpressionsField("validations"), ns)
	return err
}

// checkValidatingSpec checks what the CRD schema cannot: at least one validation or audit annotation, a match
// unless the policy validates JSON, and Deny and Warn not together.
func checkValidatingSpec(spec *policiesv1.ValidatingPolicySpec) []error {
	var errs []error
	if len(spec.Validations) == 0 && len(spec.AuditAnnotations) == 0 {
		errs = append(errs, errors.New("spec.validations: at least one validation or audit annotation is required"))
	}
	if spec.EvaluationMode() != policiesv1.EvaluationModeJSON &&
		(spec.MatchConstraints == nil || len(spec.MatchConstraints.ResourceRules) == 0) {
		errs = append(errs, errors.New("spec.matchConstraints.resourceRules: required"))
	}
	acts := spec.ValidationActions()
	if slices.Contains(acts, admissionregistrationv1.Deny) && slices.Contains(acts, admissionregistrationv1.Warn) {
		errs = append(errs, errors.New("spec.validationActions: Deny and Warn may not be used together"))
	}
	for i, a := range acts {
		switch a {
		case admissionregistrationv1.Deny, admissionregistrationv1.Warn, admissionregistrationv1.Audit:
		default:
			errs = append(errs, fmt.Errorf("spec.validationActions[%d]: %q is not Deny, Audit or Warn", i, a))
		}
	}
	if m := spec.EvaluationMode(); m != policiesv1.EvaluationModeKubernetes && m != policiesv1.EvaluationModeJSON {
		errs = append(errs, fmt.Errorf("spec.evaluation.mode: %q is not Kubernetes or JSON", m))
	}
	return errs
}

// actionOfValidating maps validationActions to the engine's actions: Deny enforces, Audit and Warn alone do not.
func actionOfValidating(acts []admissionregistrationv1.ValidationAction) Action {
	if slices.Contains(acts, admissionregistrationv1.Deny) {
		return ActionEnforce
	}
	return ActionAudit
}

func webhookOfValidating(spec *policiesv1.ValidatingPolicySpec) Webhook {
	w := Webhook{FailurePolicy: string(admissionregistrationv1.Fail), TimeoutSeconds: 10}
	if spec.EffectiveFailurePolicy() == admissionregistrationv1.Ignore {
		w.FailurePolicy = string(admissionregistrationv1.Ignore)
	}
	if t := spec.TimeoutSeconds(); t != nil && *t >= 1 && *t <= 30 {
		w.TimeoutSeconds = *t
	}
	return w
}

// selects reports whether the program's matchConstraints select the input. Match conditions are checked when the
// rule runs, so that an error among them is reported rather than taken for "not selected".
func (v *validatingProgram) selects(in *Input) bool {
	if v.jsonMode || in.req.Payload {
		return v.jsonMode && in.req.Payload
	}
	if !v.constraints.Matches(&in.resource) {
		return false
	}
	return v.admission == nil || v.admission.constraints == nil || v.admission.constraints.Matches(&in.resource)
}

// ValidatesJSON reports whether the policy validates JSON payloads (a ValidatingPolicy with evaluation.mode JSON)
// rather than Kubernetes objects.
func (p *Policy) ValidatesJSON() bool {
	return len(p.Rules) > 0 && p.Rules[0].vpol != nil && p.Rules[0].vpol.jsonMode
}

// MatchConditionsHold reports whether the matchConditions of a ValidatingPolicy or ValidatingAdmissionPolicy rule
// hold on the input (true for other rules, and when a condition fails to evaluate, which gives an error result), so
// that callers can say why a selected rule gave no result.
func (r *Rule) MatchConditionsHold(in *Input) bool {
	if r.mpol != nil {
		return r.mpol.conditionsHold(context.Background(), in)
	}
	if r.vpol == nil || r.vpol.compiled() != nil {
		return true
	}
	ok, err := r.vpol.conditions.Match(context.Background(), in.celInput())
	return err != nil || ok
}

// validateValidating runs a validating policy rule on an input its constraints selected: match conditions (false:
// not applied; an error: an error result under failurePolicy Fail, not applied under Ignore), then the
// validations.
func (e *Engine) validateValidating(ctx context.Context, r *Rule, in *Input, loader Loader) (RuleResult, bool) {
	v := r.vpol
	if err := v.compiled(); err != nil {
		return r.errorResult(fmt.Errorf("Pod-controller variant: %w", err)), true
	}
	ci := in.celInput()
	ci.Context = NewCELContext(loader, v.namespace)
	ok, err := v.conditions.Match(ctx, ci)
	if err != nil && v.ignoreMatchErrors {
		return RuleResult{}, false
	}
	if err != nil {
		if v.admission != nil && v.admission.ignoreErrors {
			return r.errorResult(fmt.Errorf("%smatchConditions: %w", ignoredPrefix, err)), true
		}
		return r.errorResult(fmt.Errorf("matchConditions: %w", err)), true
	}
	if !ok {
		return RuleResult{}, false
	}
	if v.admission != nil {
		return e.validateAdmission(ctx, r, in, loader), true
	}
	res := v.program.Evaluate(ctx, ci)
	out := RuleResult{Rule: r.Name, Type: r.Type, AuditAnnotations: res.AuditAnnotations}
	switch res.Status {
	case cel.StatusPass:
		out.Status, out.Message = StatusPass, r.passMessage
	case cel.StatusFail:
		out.Status, out.Message = StatusFail, res.Message
	default:
		out.Status, out.Message = StatusError, res.Message
	}
	return out, true
}
