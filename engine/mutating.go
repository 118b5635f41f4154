package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	admissionregistrationv1alpha1 "k8s.io/api/admissionregistration/v1alpha1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/celmutate"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// MutatingSource is a MutatingPolicy or NamespacedMutatingPolicy as the loader read it, with the variants the loader
// generated for Pod controllers (autogen).
type MutatingSource struct {
	Kind        string // MutatingPolicy or NamespacedMutatingPolicy
	Name        string
	Namespace   string // set for a NamespacedMutatingPolicy
	Annotations map[string]string
	Spec        *policiesv1.MutatingPolicySpec
	Variants    []MutatingVariant
}

// MutatingVariant is one generated variant of a mutating policy: the spec rewritten for Pod controllers and the
// rule name its results carry.
type MutatingVariant struct {
	Rule string
	Spec *policiesv1.MutatingPolicySpec
}

// mutatingProgram is a compiled mutating policy spec: which requests it selects and the mutations it applies.
type mutatingProgram struct {
	constraints *match.Constraints
	// program holds the match conditions (which may read the variables, as in Kyverno) and the mutations.
	program *cel.MutationProgram
	// ignoreErrors is failurePolicy Ignore: a match condition or mutation that cannot be evaluated leaves the
	// object as it was and gives no result; under Fail it is an error result.
	ignoreErrors bool
	// namespace confines the CEL libraries' outside reads of a namespaced policy.
	namespace string
	// spec is the source spec, for the consumers of mutateExisting (targetMatchConstraints).
	spec *policiesv1.MutatingPolicySpec
	// admission is set for a Kubernetes MutatingAdmissionPolicy: its binding's match, params and failure policy.
	admission *admissionBinding
	// existing is set for evaluation.mutateExisting: the rule patches existing targets, not its trigger.
	existing *existingTargets
}

// CompileMutating turns a MutatingPolicy into its evaluation program: one mutate rule named after the policy, plus
// one per variant (Rule.Autogen marks them; their results carry the policy's name too, as in Kyverno). Every error
// names the field; all are returned joined.
func (e *Engine) CompileMutating(src MutatingSource) (*Policy, error) {
	spec := src.Spec
	p := &Policy{
		Kind: src.Kind, Name: src.Name, Namespace: src.Namespace, Annotations: src.Annotations,
		Action: ActionEnforce, Background: spec.BackgroundEnabled(), Admission: spec.AdmissionEnabled(),
		Webhook: webhookOfMutating(spec), hasMutate: true,
	}
	errs := checkMutatingSpec(spec)
	variants := append([]MutatingVariant{{Rule: src.Name, Spec: spec}}, src.Variants...)
	for i, v := range variants {
		r, err := e.compileMutatingRule(v, p)
		if err != nil {
			field := "spec"
			if i > 0 {
				field = fmt.Sprintf("autogen variant %d", i)
			}
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
			if i == 0 {
				break // the variants repeat the written spec's error at their own paths
			}
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

// compileMutatingRule compiles one spec of a mutating policy into a rule that runs at the mutating webhook.
func (e *Engine) compileMutatingRule(v MutatingVariant, p *Policy) (*Rule, error) {
	prog := &mutatingProgram{namespace: p.Namespace, spec: v.Spec,
		ignoreErrors: v.Spec.EffectiveFailurePolicy() == admissionregistrationv1.Ignore}
	var err error
	if prog.constraints, err = match.CompileConstraints(v.Spec.MatchConstraints); err != nil {
		return nil, fmt.Errorf("matchConstraints: %w", err)
	}
	muts, err := celMutations(v.Spec.Mutations)
	if err != nil {
		return nil, err
	}
	c, err := e.policyCEL.get()
	if err != nil {
		return nil, fmt.Errorf("CEL environment: %w", err)
	}
	if prog.program, err = c.CompileMutations(v.Spec.Variables, muts, cel.WithNamespace(p.Namespace),
		cel.WithMatchConditions(v.Spec.MatchConditions)); err != nil {
		return nil, err
	}
	r := &Rule{Name: v.Rule, Type: RuleMutate, mpol: prog, Scope: Scope{Resources: prog.constraints.Rules()}}
	if p.Admission {
		r.stages = StageMutate
	}
	if err := e.compileMutateExisting(v.Spec, prog, r, p); err != nil {
		return nil, err
	}
	return r, nil
}

// celMutations converts the mutations of a spec into the CEL compiler's form; errors name the field.
func celMutations(in []admissionregistrationv1alpha1.Mutation) ([]cel.Mutation, error) {
	out := make([]cel.Mutation, len(in))
	for i, m := range in {
		switch m.PatchType {
		case admissionregistrationv1alpha1.PatchTypeApplyConfiguration:
			if m.ApplyConfiguration == nil {
				return nil, fmt.Errorf("mutations[%d].applyConfiguration: required for patchType ApplyConfiguration", i)
			}
			out[i] = cel.Mutation{Type: cel.PatchTypeApplyConfiguration, Expression: m.ApplyConfiguration.Expression}
		case admissionregistrationv1alpha1.PatchTypeJSONPatch:
			if m.JSONPatch == nil {
				return nil, fmt.Errorf("mutations[%d].jsonPatch: required for patchType JSONPatch", i)
			}
			out[i] = cel.Mutation{Type: cel.PatchTypeJSONPatch, Expression: m.JSONPatch.Expression}
		default:
			return nil, fmt.Errorf("mutations[%d].patchType: %q is not ApplyConfiguration or JSONPatch", i, m.PatchType)
		}
	}
	return out, nil
}

// checkMutatingSpec checks what the CRD schema cannot: at least one mutation, a match, known enumerations.
func checkMutatingSpec(spec *policiesv1.MutatingPolicySpec) []error {
	var errs []error
	if len(spec.Mutations) == 0 {
		errs = append(errs, errors.New("spec.mutations: at least one mutation is required"))
	}
	if spec.MatchConstraints == nil || len(spec.MatchConstraints.ResourceRules) == 0 {
		errs = append(errs, errors.New("spec.matchConstraints.resourceRules: required"))
	}
	switch spec.EffectiveReinvocationPolicy() {
	case admissionregistrationv1.NeverReinvocationPolicy, admissionregistrationv1.IfNeededReinvocationPolicy:
	default:
		errs = append(errs, fmt.Errorf("spec.reinvocationPolicy: %q is not Never or IfNeeded", spec.ReinvocationPolicy))
	}
	if m := spec.EvaluationMode(); m != policiesv1.EvaluationModeKubernetes {
		errs = append(errs, fmt.Errorf("spec.evaluation.mode: %q is not supported for a MutatingPolicy (only Kubernetes)", m))
	}
	return errs
}

func webhookOfMutating(spec *policiesv1.MutatingPolicySpec) Webhook {
	w := Webhook{FailurePolicy: string(admissionregistrationv1.Fail), TimeoutSeconds: 10}
	if spec.EffectiveFailurePolicy() == admissionregistrationv1.Ignore {
		w.FailurePolicy = string(admissionregistrationv1.Ignore)
	}
	if t := spec.TimeoutSeconds(); t != nil && *t >= 1 && *t <= 30 {
		w.TimeoutSeconds = *t
	}
	return w
}

// mutateMutating runs a MutatingPolicy rule on an input its constraints selected: match conditions (false: not
// applied), then the mutations in order. An evaluation error is an error result under failurePolicy Fail and no
// result under Ignore. It returns the patched object (nil when unchanged) and whether the rule applied.
func (e *Engine) mutateMutating(ctx context.Context, r *Rule, in *Input, loader Loader) (map[string]any, RuleResult, bool) {
	m := r.mpol
	if in.req.Operation == OperationDelete {
		return nil, RuleResult{}, false // a DELETE has no object to mutate
	}
	if m.admission != nil {
		return e.mutateAdmission(ctx, r, in, loader)
	}
	ci := in.celInput()
	ci.Context = NewCELContext(loader, m.namespace)
	ok, err := m.program.Match(ctx, ci)
	if err == nil && !ok {
		return nil, RuleResult{}, false
	}
	var patched map[string]any
	if err == nil {
		patched, err = celmutate.Run(ctx, m.program, ci, e.converters)
	}
	if err != nil {
		if m.ignoreErrors {
			return nil, RuleResult{}, false
		}
		return nil, r.errorResult(err), true
	}
	rr := RuleResult{Rule: r.Name, Type: r.Type, Status: StatusPass, Message: "mutated " + in.Kind() + "/" + in.Name()}
	if reflect.DeepEqual(patched, in.obj) {
		return nil, rr, true
	}
	return patched, rr, true
}

// selects reports whether the program's matchConstraints select the input.
func (m *mutatingProgram) selects(in *Input) bool {
	if !m.constraints.Matches(&in.resource) {
		return false
	}
	return m.admission == nil || m.admission.constraints == nil || m.admission.constraints.Matches(&in.resource)
}

// MutatingSpec returns the MutatingPolicy spec a rule was compiled from (its autogen variant's for a generated
// rule), or nil for another rule.
func (r *Rule) MutatingSpec() *policiesv1.MutatingPolicySpec {
	if r.mpol == nil {
		return nil
	}
	return r.mpol.spec
}

// mutateCEL runs a MutatingPolicy rule within Mutate: a selected input whose policies.kyverno.io exception applies
// gets the exempted result and no patch. It appends the rule's result to res and returns the patched object, or nil.
func (e *Engine) mutateCEL(ctx context.Context, p *Policy, r *Rule, in *Input, loader Loader, opts EvalOptions, res *MutateResult) map[string]any {
	if !r.Selects(in) {
		return nil
	}
	if ex := exceptionFor(opts.Exceptions, p, r, in); ex != nil && r.mpol.conditionsHold(ctx, in) {
		res.Rules = append(res.Rules, exempted(RuleResult{Rule: r.Name, Type: r.Type}, ex))
		return nil
	}
	patched, rr, applied := e.mutateMutating(ctx, r, in, loader)
	if !applied {
		return nil
	}
	res.Rules = append(res.Rules, rr)
	if patched != nil {
		res.Patched = patched
	}
	return patched
}

// conditionsHold reports whether the match conditions hold on the input (an evaluation error counts as holding: the
// rule then reports it).
func (m *mutatingProgram) conditionsHold(ctx context.Context, in *Input) bool {
	ci := in.celInput()
	ci.Context = nil // library calls fail here, so that an exception or a reason never depends on outside data
	ok, err := m.program.Match(ctx, ci)
	return err != nil || ok
}
