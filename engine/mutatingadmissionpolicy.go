package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	admissionregistrationv1alpha1 "k8s.io/api/admissionregistration/v1alpha1"

	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/celmutate"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// MutatingAdmissionPolicyKind is the kind of the compiled policies of Kubernetes MutatingAdmissionPolicies.
const MutatingAdmissionPolicyKind = "MutatingAdmissionPolicy"

// MutatingAdmissionPolicySource is a Kubernetes MutatingAdmissionPolicy with its bindings, each version
// (v1alpha1, v1beta1, v1) decoded into the v1 types, whose fields they share. Without bindings the policy is
// evaluated with its own match constraints and without params, as Kyverno's CLI evaluates it.
type MutatingAdmissionPolicySource struct {
	Policy   *admissionregistrationv1.MutatingAdmissionPolicy
	Bindings []*admissionregistrationv1.MutatingAdmissionPolicyBinding
}

// CompileMutatingAdmissionPolicy compiles a MutatingAdmissionPolicy into a policy of its name with one mutate rule
// per binding, named after the binding (one rule named after the policy when there is no binding). The bindings
// mutate in order, each the object the previous one left, as the API server applies them.
func (e *Engine) CompileMutatingAdmissionPolicy(src MutatingAdmissionPolicySource) (*Policy, error) {
	mp := src.Policy
	fp := mutatingFailurePolicy(mp)
	p := &Policy{
		Kind: MutatingAdmissionPolicyKind, Name: mp.Name, Annotations: mp.Annotations, Action: ActionEnforce,
		Admission: true, hasMutate: true, Webhook: Webhook{FailurePolicy: string(fp), TimeoutSeconds: 10},
	}
	errs := checkMutatingAdmissionPolicy(mp)
	bindings := src.Bindings
	if len(bindings) == 0 {
		bindings = []*admissionregistrationv1.MutatingAdmissionPolicyBinding{nil}
	}
	for _, b := range bindings {
		r, err := e.compileMutatingAdmissionRule(mp, b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		p.Rules = append(p.Rules, r)
		p.stages |= r.stages
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

func mutatingFailurePolicy(mp *admissionregistrationv1.MutatingAdmissionPolicy) admissionregistrationv1.FailurePolicyType {
	if fp := mp.Spec.FailurePolicy; fp != nil && *fp == admissionregistrationv1.Ignore {
		return admissionregistrationv1.Ignore
	}
	return admissionregistrationv1.Fail
}

func (e *Engine) compileMutatingAdmissionRule(mp *admissionregistrationv1.MutatingAdmissionPolicy,
	b *admissionregistrationv1.MutatingAdmissionPolicyBinding) (*Rule, error) {
	spec := &mp.Spec
	name := mp.Name
	a := &admissionBinding{paramKind: spec.ParamKind, ignoreErrors: mutatingFailurePolicy(mp) == admissionregistrationv1.Ignore}
	prog := &mutatingProgram{admission: a}
	var err error
	if prog.constraints, err = match.CompileConstraints(spec.MatchConstraints); err != nil {
		return nil, fmt.Errorf("spec.matchConstraints: %w", err)
	}
	if b != nil {
		name, a.paramRef = b.Name, b.Spec.ParamRef
		if err := checkMutatingBinding(mp, b); err != nil {
			return nil, err
		}
		if a.constraints, err = compileBindingMatch(b.Spec.MatchResources); err != nil {
			return nil, fmt.Errorf("binding %s: spec.matchResources: %w", b.Name, err)
		}
	}
	muts, err := celMutations(v1alpha1Mutations(spec.Mutations))
	if err != nil {
		return nil, fmt.Errorf("spec.%w", err)
	}
	c, err := e.cel.get()
	if err != nil {
		return nil, fmt.Errorf("CEL environment: %w", err)
	}
	if prog.program, err = c.CompileMutations(spec.Variables, muts, cel.WithParams(),
		cel.WithMatchConditions(spec.MatchConditions)); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	return &Rule{Name: name, Type: RuleMutate, mpol: prog, stages: StageMutate,
		Scope: Scope{Resources: prog.constraints.Rules()}}, nil
}

// v1alpha1Mutations converts v1 mutations to the v1alpha1 type the MutatingPolicy compiler reads (same fields).
func v1alpha1Mutations(in []admissionregistrationv1.Mutation) []admissionregistrationv1alpha1.Mutation {
	out := make([]admissionregistrationv1alpha1.Mutation, len(in))
	for i, m := range in {
		out[i].PatchType = admissionregistrationv1alpha1.PatchType(m.PatchType)
		if m.ApplyConfiguration != nil {
			out[i].ApplyConfiguration = &admissionregistrationv1alpha1.ApplyConfiguration{Expression: m.ApplyConfiguration.Expression}
		}
		if m.JSONPatch != nil {
			out[i].JSONPatch = &admissionregistrationv1alpha1.JSONPatch{Expression: m.JSONPatch.Expression}
		}
	}
	return out
}

// checkMutatingAdmissionPolicy checks what the API server's validation would: a name, a match, mutations and a
// known reinvocationPolicy.
func checkMutatingAdmissionPolicy(mp *admissionregistrationv1.MutatingAdmissionPolicy) []error {
	var errs []error
	if mp.Name == "" {
		errs = append(errs, errors.New("metadata.name: required"))
	}
	if m := mp.Spec.MatchConstraints; m == nil || len(m.ResourceRules) == 0 {
		errs = append(errs, errors.New("spec.matchConstraints.resourceRules: required"))
	}
	if len(mp.Spec.Mutations) == 0 {
		errs = append(errs, errors.New("spec.mutations: at least one mutation is required"))
	}
	switch mp.Spec.ReinvocationPolicy {
	case "", admissionregistrationv1.NeverReinvocationPolicy, admissionregistrationv1.IfNeededReinvocationPolicy:
	default:
		errs = append(errs, fmt.Errorf("spec.reinvocationPolicy: %q is not Never or IfNeeded", mp.Spec.ReinvocationPolicy))
	}
	return errs
}

// checkMutatingBinding checks a binding as the API server would: a params kind for a paramRef, and a paramRef
// naming its object by name or by selector.
func checkMutatingBinding(mp *admissionregistrationv1.MutatingAdmissionPolicy, b *admissionregistrationv1.MutatingAdmissionPolicyBinding) error {
	ref := b.Spec.ParamRef
	switch {
	case ref == nil:
		return nil
	case mp.Spec.ParamKind == nil:
		return fmt.Errorf("binding %s: spec.paramRef: the policy has no spec.paramKind", b.Name)
	case (ref.Name == "") == (ref.Selector == nil):
		return fmt.Errorf("binding %s: spec.paramRef: exactly one of name and selector is required", b.Name)
	}
	return nil
}

// mutateAdmission runs a MutatingAdmissionPolicy rule on an input its policy and binding select: the mutations
// once per param object (once without params when the binding has no paramRef), each on the object the previous
// one left, after the match conditions held for that param. It returns the patched object (nil when unchanged),
// the rule's result and whether the rule applied.
func (e *Engine) mutateAdmission(ctx context.Context, r *Rule, in *Input, loader Loader) (map[string]any, RuleResult, bool) {
	a := r.mpol.admission
	params, err := a.params(ctx, in, loader)
	switch {
	case err != nil:
		return nil, admissionError(r, a, err), true
	case params == nil:
		params = []map[string]any{nil}
	case len(params) == 0 && a.paramRef.ParameterNotFoundAction != nil &&
		*a.paramRef.ParameterNotFoundAction == admissionregistrationv1.AllowAction:
		return nil, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusSkip, Message: "no params found (parameterNotFoundAction Allow)"}, true
	case len(params) == 0:
		return nil, admissionError(r, a, errors.New("no params found for policy binding with Deny parameterNotFoundAction")), true
	}
	ci := in.celInput()
	obj, applied := in.obj, false
	for _, param := range params {
		pi := ci.WithObject(obj)
		if param != nil {
			pi.Params = param
		}
		ok, err := r.mpol.program.Match(ctx, pi)
		if err == nil && !ok {
			continue
		}
		applied = true
		if err == nil {
			obj, err = celmutate.Run(ctx, r.mpol.program, pi, e.converters)
		}
		if err != nil {
			return nil, admissionError(r, a, err), true
		}
	}
	if !applied {
		return nil, RuleResult{}, false
	}
	rr := RuleResult{Rule: r.Name, Type: r.Type, Status: StatusPass, Message: "mutated " + in.Kind() + "/" + in.Name()}
	if reflect.DeepEqual(obj, in.obj) {
		return nil, rr, true
	}
	return obj, rr, true
}

// admissionError is the error result of a rule; under failurePolicy Ignore its message says that the API server
// would admit the request unchanged, as for a ValidatingAdmissionPolicy.
func admissionError(r *Rule, a *admissionBinding, err error) RuleResult {
	rr := r.errorResult(err)
	if a.ignoreErrors {
		rr.Message = ignoredPrefix + rr.Message
	}
	return rr
}
