package engine

import (
	"context"
	"errors"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// GeneratingSource is a GeneratingPolicy or NamespacedGeneratingPolicy as the loader read it.
type GeneratingSource struct {
	Kind        string // GeneratingPolicy or NamespacedGeneratingPolicy
	Name        string
	Namespace   string // set for a NamespacedGeneratingPolicy
	Annotations map[string]string
	Spec        *policiesv1.GeneratingPolicySpec
}

// generatingProgram is a compiled generating policy: which triggers it selects and what it generates.
type generatingProgram struct {
	constraints *match.Constraints
	conditions  *cel.Preconditions
	body        *cel.Generations
	// namespace confines the CEL libraries' reads and the generated objects of a namespaced policy.
	namespace string
}

// CompileGenerating turns a generating policy into one generate rule named after the policy, so that the webhook
// records its triggers (StageTrigger) and the generate controller creates and keeps its objects as it does for a
// ClusterPolicy generate rule. Every error names the field; all are returned joined.
func (e *Engine) CompileGenerating(src GeneratingSource) (*Policy, error) {
	spec := src.Spec
	p := &Policy{Kind: src.Kind, Name: src.Name, Namespace: src.Namespace, Annotations: src.Annotations,
		Action: ActionAudit, Admission: spec.AdmissionEnabled(), Webhook: webhookOfGenerating(spec)}
	prog, err := e.compileGeneratingProgram(spec, src.Namespace)
	if err != nil {
		return nil, err
	}
	r := &Rule{Name: src.Name, Type: RuleGenerate, action: p.Action,
		generate: &generateProgram{synchronize: spec.SynchronizationEnabled(),
			orphan: spec.OrphanDownstreamOnPolicyDeleteEnabled(), existing: spec.GenerateExistingEnabled(), gpol: prog},
		Scope: Scope{Resources: prog.constraints.Rules()}}
	r.stages = stagesOf(p, r)
	p.Rules, p.stages, p.hasGenerate = []*Rule{r}, r.stages, true
	return p, nil
}

func (e *Engine) compileGeneratingProgram(spec *policiesv1.GeneratingPolicySpec, namespace string) (*generatingProgram, error) {
	var errs []error
	if spec.MatchConstraints == nil || len(spec.MatchConstraints.ResourceRules) == 0 {
		errs = append(errs, errors.New("spec.matchConstraints.resourceRules: required"))
	}
	prog := &generatingProgram{namespace: namespace}
	var err error
	if prog.constraints, err = match.CompileConstraints(spec.MatchConstraints); err != nil {
		errs = append(errs, fmt.Errorf("spec.matchConstraints: %w", err))
	}
	c, err := e.policyCEL.get()
	if err != nil {
		return nil, errors.Join(append(errs, fmt.Errorf("CEL environment: %w", err))...)
	}
	ns := cel.WithNamespace(namespace)
	if prog.conditions, err = c.CompilePreconditions(spec.MatchConditions, ns); err != nil {
		errs = append(errs, fmt.Errorf("spec.matchConditions: %w", err))
	}
	if prog.body, err = c.CompileGenerations(spec.Variables, spec.Generation, ns); err != nil {
		errs = append(errs, fmt.Errorf("spec.%w", err))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return prog, nil
}

// webhookOfGenerating: a generating policy never blocks admission (Kyverno's failure policy for it is Ignore).
func webhookOfGenerating(spec *policiesv1.GeneratingPolicySpec) Webhook {
	w := Webhook{FailurePolicy: string(admissionregistrationv1.Ignore), TimeoutSeconds: 10}
	if t := spec.TimeoutSeconds(); t != nil && *t >= 1 && *t <= 30 {
		w.TimeoutSeconds = *t
	}
	return w
}

// selects reports whether matchConstraints select the input; match conditions are checked when the rule runs.
func (g *generatingProgram) selects(in *Input) bool {
	return !in.req.Payload && g.constraints.Matches(&in.resource)
}

// generateCEL runs a generating policy's rule: its match conditions (false: not applied; an error: an error result),
// a CEL PolicyException that covers it (a skip), then its generate entries. applied is false when the match
// conditions do not hold.
func (e *Engine) generateCEL(ctx context.Context, p *Policy, r *Rule, in *Input, opts EvalOptions, loader Loader) (objs []map[string]any, rr RuleResult, applied bool) {
	g := r.generate.gpol
	ci := in.celInput()
	ci.Context = NewCELContext(loader, g.namespace)
	ok, err := g.conditions.Match(ctx, ci)
	if err != nil {
		return nil, r.errorResult(fmt.Errorf("matchConditions: %w", err)), true
	}
	if !ok {
		return nil, RuleResult{}, false
	}
	if ex := exceptionFor(opts.Exceptions, p, r, in); ex != nil {
		return nil, exempted(RuleResult{Rule: r.Name, Type: r.Type}, ex), true
	}
	objs, err = g.body.Evaluate(ctx, ci)
	if err != nil {
		return nil, r.errorResult(err), true
	}
	msg := fmt.Sprintf("generated %d object(s)", len(objs))
	return objs, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusPass, Message: msg}, true
}

// isCEL reports whether r is a rule of a policies.kyverno.io kind (ValidatingPolicy, GeneratingPolicy), which the
// CEL PolicyExceptions name.
func (r *Rule) isCEL() bool {
	return r.vpol != nil || r.dpol != nil || r.mpol != nil || (r.generate != nil && r.generate.gpol != nil)
}

// targets are the kinds a generating rule visibly generates.
func (g *generatingProgram) targets() []GenerateTarget {
	var out []GenerateTarget
	for _, t := range g.body.Targets() {
		out = append(out, GenerateTarget{APIVersion: t.APIVersion, Kind: t.Kind})
	}
	return out
}

// sources are the objects a generating rule reads with resource.Get with constant arguments.
func (g *generatingProgram) sources() []CloneSource {
	var out []CloneSource
	for _, s := range g.body.Sources() {
		out = append(out, CloneSource{APIVersion: s.APIVersion, Resource: s.Resource, Namespace: s.Namespace, Name: s.Name})
	}
	return out
}
