package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// AdmissionPolicyKind is the kind of the compiled policies of Kubernetes ValidatingAdmissionPolicies.
const AdmissionPolicyKind = "ValidatingAdmissionPolicy"

// AdmissionPolicySource is a Kubernetes ValidatingAdmissionPolicy with its bindings. Without bindings the policy
// is evaluated with its own match constraints and the Deny action, as Kyverno's CLI does.
type AdmissionPolicySource struct {
	Policy   *admissionregistrationv1.ValidatingAdmissionPolicy
	Bindings []*admissionregistrationv1.ValidatingAdmissionPolicyBinding
}

// admissionBinding is what a binding adds to a validating program: its match resources and its params.
type admissionBinding struct {
	constraints *match.Constraints // nil: the binding does not narrow the policy's match
	paramKind   *admissionregistrationv1.ParamKind
	paramRef    *admissionregistrationv1.ParamRef
	// ignoreErrors is failurePolicy Ignore: an error stays an error result, as Kyverno's CLI reports it, and its
	// message says that the API server would admit the request.
	ignoreErrors bool
}

// CompileAdmissionPolicy compiles a ValidatingAdmissionPolicy into a policy of its name with one rule per binding,
// named after the binding, each with the binding's validationActions (one rule named after the policy when there is
// no binding). The policy enforces when a binding denies, and warns when one warns.
func (e *Engine) CompileAdmissionPolicy(src AdmissionPolicySource) (*Policy, error) {
	vap := src.Policy
	p := &Policy{
		Kind: AdmissionPolicyKind, Name: vap.Name, Annotations: vap.Annotations, Action: ActionAudit,
		Background: true, Admission: true,
		Webhook: Webhook{FailurePolicy: string(failurePolicyOf(vap)), TimeoutSeconds: 10},
	}
	errs := checkAdmissionPolicy(vap)
	bindings := src.Bindings
	if len(bindings) == 0 {
		bindings = []*admissionregistrationv1.ValidatingAdmissionPolicyBinding{nil}
	}
	for _, b := range bindings {
		r, err := e.compileAdmissionRule(p, vap, b)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if r.action == ActionEnforce {
			p.Action = ActionEnforce
		}
		p.Rules = append(p.Rules, r)
		p.stages |= r.stages
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

func failurePolicyOf(vap *admissionregistrationv1.ValidatingAdmissionPolicy) admissionregistrationv1.FailurePolicyType {
	if fp := vap.Spec.FailurePolicy; fp != nil && *fp == admissionregistrationv1.Ignore {
		return admissionregistrationv1.Ignore
	}
	return admissionregistrationv1.Fail
}

func (e *Engine) compileAdmissionRule(p *Policy, vap *admissionregistrationv1.ValidatingAdmissionPolicy,
	b *admissionregistrationv1.ValidatingAdmissionPolicyBinding) (*Rule, error) {
	acts, name := []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}, vap.Name
	if b != nil {
		acts, name = b.Spec.ValidationActions, b.Name
		if err := checkBinding(vap, b, acts); err != nil {
			return nil, err
		}
	}
	prog, err := e.compileAdmissionProgram(vap, b)
	if err != nil {
		return nil, err
	}
	p.Warn = p.Warn || slices.Contains(acts, admissionregistrationv1.Warn)
	r := &Rule{Name: name, Type: RuleValidate, action: actionOfValidating(acts), vpol: prog,
		passMessage: "validating admission policy " + p.Name + " passed.",
		Scope:       Scope{Resources: prog.constraints.Rules()}}
	r.stages = stagesOf(p, r)
	return r, nil
}

func (e *Engine) compileAdmissionProgram(vap *admissionregistrationv1.ValidatingAdmissionPolicy,
	b *admissionregistrationv1.ValidatingAdmissionPolicyBinding) (*validatingProgram, error) {
	c, err := e.cel.get()
	if err != nil {
		return nil, fmt.Errorf("CEL environment: %w", err)
	}
	spec := &vap.Spec
	prog := &validatingProgram{admission: &admissionBinding{paramKind: spec.ParamKind,
		ignoreErrors: failurePolicyOf(vap) == admissionregistrationv1.Ignore}}
	if prog.constraints, err = match.CompileConstraints(spec.MatchConstraints); err != nil {
		return nil, fmt.Errorf("spec.matchConstraints: %w", err)
	}
	if b != nil {
		prog.admission.paramRef = b.Spec.ParamRef
		if prog.admission.constraints, err = compileBindingMatch(b.Spec.MatchResources); err != nil {
			return nil, fmt.Errorf("binding %s: spec.matchResources: %w", b.Name, err)
		}
	}
	if prog.conditions, err = c.CompilePreconditions(spec.MatchConditions); err != nil {
		return nil, fmt.Errorf("spec.matchConditions: %w", err)
	}
	body := &v1alpha1.CEL{Expressions: spec.Validations, Variables: spec.Variables,
		AuditAnnotations: spec.AuditAnnotations, ParamKind: spec.ParamKind}
	if prog.program, err = c.Compile(body); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	return prog, nil
}

// compileBindingMatch compiles a binding's matchResources. Without resourceRules a binding does not constrain the
// resources (its selectors and excludeResourceRules still apply), as the API server reads it.
func compileBindingMatch(m *admissionregistrationv1.MatchResources) (*match.Constraints, error) {
	if m == nil {
		return nil, nil
	}
	if len(m.ResourceRules) == 0 {
		m = m.DeepCopy()
		all := admissionregistrationv1.RuleWithOperations{
			Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.OperationAll},
			Rule:       admissionregistrationv1.Rule{APIGroups: []string{"*"}, APIVersions: []string{"*"}, Resources: []string{"*"}},
		}
		m.ResourceRules = []admissionregistrationv1.NamedRuleWithOperations{{RuleWithOperations: all}}
	}
	return match.CompileConstraints(m)
}

// checkAdmissionPolicy checks what the API server's validation would of the policy: a name and a match.
func checkAdmissionPolicy(vap *admissionregistrationv1.ValidatingAdmissionPolicy) []error {
	var errs []error
	if vap.Name == "" {
		errs = append(errs, errors.New("metadata.name: required"))
	}
	if m := vap.Spec.MatchConstraints; m == nil || len(m.ResourceRules) == 0 {
		errs = append(errs, errors.New("spec.matchConstraints.resourceRules: required"))
	}
	return errs
}

// checkBinding checks a binding as the API server would: known actions, not Deny with Warn, a params kind for a
// paramRef, and a paramRef naming its object by name or by selector.
func checkBinding(vap *admissionregistrationv1.ValidatingAdmissionPolicy,
	b *admissionregistrationv1.ValidatingAdmissionPolicyBinding, acts []admissionregistrationv1.ValidationAction) error {
	var errs []error
	if len(acts) == 0 {
		errs = append(errs, errors.New("spec.validationActions: required"))
	}
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
	if ref := b.Spec.ParamRef; ref != nil {
		switch {
		case vap.Spec.ParamKind == nil:
			errs = append(errs, errors.New("spec.paramRef: the policy has no spec.paramKind"))
		case (ref.Name == "") == (ref.Selector == nil):
			errs = append(errs, errors.New("spec.paramRef: exactly one of name and selector is required"))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("binding %s: %w", b.Name, errors.Join(errs...))
	}
	return nil
}

// ignoredPrefix starts the message of an error under failurePolicy Ignore.
const ignoredPrefix = "failurePolicy Ignore (the API server admits the request): "

// validateAdmission runs a ValidatingAdmissionPolicy rule: the validations once per param object (once without
// params when the binding has no paramRef), failing on the first that fails.
func (e *Engine) validateAdmission(ctx context.Context, r *Rule, in *Input, loader Loader) RuleResult {
	a := r.vpol.admission
	out := RuleResult{Rule: r.Name, Type: r.Type}
	params, err := a.params(ctx, in, loader)
	switch {
	case err != nil:
		out.Status, out.Message = StatusError, err.Error()
	case params == nil:
		out = e.admissionResult(ctx, r, in, nil)
	case len(params) == 0 && a.paramRef.ParameterNotFoundAction != nil &&
		*a.paramRef.ParameterNotFoundAction == admissionregistrationv1.AllowAction:
		out.Status, out.Message = StatusSkip, "no params found (parameterNotFoundAction Allow)"
	case len(params) == 0:
		out.Status, out.Message = StatusFail, "no params found for policy binding with Deny parameterNotFoundAction"
	default:
		for _, obj := range params {
			if out = e.admissionResult(ctx, r, in, obj); out.Status != StatusPass {
				break
			}
		}
	}
	if out.Status == StatusError && a.ignoreErrors {
		out.Message = ignoredPrefix + out.Message
	}
	return out
}

func (e *Engine) admissionResult(ctx context.Context, r *Rule, in *Input, params map[string]any) RuleResult {
	ci := in.celInput()
	if params != nil {
		ci.Params = params
	}
	res := r.vpol.program.Evaluate(ctx, ci)
	out := RuleResult{Rule: r.Name, Type: r.Type, AuditAnnotations: res.AuditAnnotations}
	switch res.Status {
	case cel.StatusPass:
		out.Status, out.Message = StatusPass, r.passMessage
	case cel.StatusFail:
		out.Status, out.Message = StatusFail, res.Message
	default:
		out.Status, out.Message = StatusError, res.Message
	}
	return out
}

// params returns the param objects the binding's paramRef selects: nil without a paramRef, empty when none is
// found. The namespace defaults to the request's.
func (a *admissionBinding) params(ctx context.Context, in *Input, loader Loader) ([]map[string]any, error) {
	ref := a.paramRef
	if ref == nil {
		return nil, nil
	}
	if loader == nil {
		return nil, errors.New("paramRef: no loader for existing resources")
	}
	ns := ref.Namespace
	if ns == "" {
		ns = in.resource.Namespace
	}
	sel := ref.Selector
	if sel == nil {
		sel = &metav1.LabelSelector{}
	}
	kind := a.paramKind.APIVersion + "/" + a.paramKind.Kind
	objs, err := loader.List(ctx, ResourceQuery{Kinds: []string{kind}, Namespace: ns, Selector: sel})
	if err != nil {
		return nil, fmt.Errorf("paramRef: listing %s in namespace %q: %w", kind, ns, err)
	}
	out := []map[string]any{}
	for _, obj := range objs {
		if ref.Name == "" || nameOfObject(obj) == ref.Name {
			out = append(out, obj)
		}
	}
	return out, nil
}
