package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// RuleDelete is the rule type of a DeletingPolicy: its results say whether the cleanup controller deletes the
// resource (pass) or keeps it (fail), as Kyverno's CLI reports them.
const RuleDelete RuleType = "Deletion"

// Messages of cleanup results, as Kyverno's CLI words them.
const (
	msgCleanupMatched    = "resource matched"
	msgCleanupNotMatched = "resource did not match"
)

// DeletingSource is a DeletingPolicy or NamespacedDeletingPolicy as the loader read it.
type DeletingSource struct {
	Kind        string // DeletingPolicy or NamespacedDeletingPolicy
	Name        string
	Namespace   string // set for a NamespacedDeletingPolicy
	Annotations map[string]string
	Spec        *policiesv1.DeletingPolicySpec
}

// Cleanup is what a cleanup policy asks of the cleanup controller: when to run, what to list, and how to delete.
// The controller lists the targets on schedule and deletes each object Engine.Cleanup passes.
type Cleanup struct {
	// Schedule is the cron schedule as written.
	Schedule string
	// Propagation is the deletion propagation policy: Foreground, Background, Orphan, or "" for the resource's
	// default.
	Propagation string
	// Targets are the resources to list.
	Targets []CleanupTarget

	schedule cron.Schedule
	// named are the namespaces the policy names explicitly (its own, or those its namespaceSelector names by
	// kubernetes.io/metadata.name).
	named []string
}

// CleanupTarget is one resource rule of a cleanup policy: the resources to list, in Namespace ("" for every
// namespace, and for cluster-scoped resources).
type CleanupTarget struct {
	Groups, Versions, Resources []string
	// Names, when set, are the only object names selected (resourceNames).
	Names []string
	// Namespace confines a namespaced policy to its own namespace; "" lists every namespace.
	Namespace string
}

// Next returns the first scheduled run after t.
func (c *Cleanup) Next(t time.Time) time.Time { return c.schedule.Next(t) }

// NamesNamespace reports whether the policy names namespace explicitly: a namespaced policy its own namespace, a
// cluster policy the namespaces its namespaceSelector names by the kubernetes.io/metadata.name label. The cleanup
// controller touches its own namespace only for such a policy.
func (c *Cleanup) NamesNamespace(namespace string) bool {
	for _, n := range c.named {
		if n == namespace {
			return true
		}
	}
	return false
}

// Cleanup returns what the cleanup controller runs for p, or nil when p is no cleanup policy.
func (p *Policy) Cleanup() *Cleanup { return p.cleanup }

// deletingProgram is a compiled deleting policy spec: what it selects and the conditions a selected resource must
// meet to be deleted.
type deletingProgram struct {
	constraints *match.Constraints
	// conditions and variables, compiled as one CEL program; nil when there are no conditions.
	program   *cel.Program
	namespace string
}

// CompileDeleting turns a DeletingPolicy into a cleanup policy: one rule named after the policy, run by the cleanup
// controller only (StageCleanup). Every error names the field; all are returned joined.
func (e *Engine) CompileDeleting(src DeletingSource) (*Policy, error) {
	spec := src.Spec
	p := &Policy{Kind: src.Kind, Name: src.Name, Namespace: src.Namespace, Annotations: src.Annotations,
		Action: ActionAudit}
	cleanup, errs := compileCleanup(spec, src.Namespace)
	prog, err := e.compileDeletingProgram(spec, src.Namespace)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	p.cleanup = cleanup
	r := &Rule{Name: src.Name, Type: RuleDelete, action: ActionAudit, dpol: prog, stages: StageCleanup,
		Scope: Scope{Resources: prog.constraints.Rules()}}
	p.Rules = []*Rule{r}
	p.stages = r.stages
	return p, nil
}

// compileCleanup checks the schedule, the propagation policy and the resource rules of spec.
func compileCleanup(spec *policiesv1.DeletingPolicySpec, namespace string) (*Cleanup, []error) {
	var errs []error
	c := &Cleanup{Schedule: spec.Schedule}
	sched, err := ParseSchedule(spec.Schedule)
	if err != nil {
		errs = append(errs, fmt.Errorf("spec.schedule: %w", err))
	}
	c.schedule = sched
	if pp := spec.DeletionPropagationPolicy; pp != nil {
		switch *pp {
		case metav1.DeletePropagationForeground, metav1.DeletePropagationBackground, metav1.DeletePropagationOrphan:
			c.Propagation = string(*pp)
		default:
			errs = append(errs, fmt.Errorf("spec.deletionPropagationPolicy: %q is not Foreground, Background or Orphan", *pp))
		}
	}
	m := spec.MatchConstraints
	if m == nil || len(m.ResourceRules) == 0 {
		return c, append(errs, errors.New("spec.matchConstraints.resourceRules: required"))
	}
	for i, rr := range m.ResourceRules {
		if len(rr.Resources) == 0 {
			errs = append(errs, fmt.Errorf("spec.matchConstraints.resourceRules[%d].resources: required", i))
		}
		c.Targets = append(c.Targets, CleanupTarget{Groups: rr.APIGroups, Versions: rr.APIVersions,
			Resources: rr.Resources, Names: rr.ResourceNames, Namespace: namespace})
	}
	if namespace != "" {
		c.named = []string{namespace}
	} else {
		c.named = namedNamespaces(m.NamespaceSelector)
	}
	return c, errs
}

// ParseSchedule parses a cron schedule as Kyverno does: five fields (minute, hour, day of month, month, day of
// week) or a descriptor (@hourly, @daily, @every 1h30m, ...), optionally after a time zone ("TZ=Europe/Paris ").
// The parser panics on some malformed time zone prefixes ("TZ=" alone): those are errors here, so that a policy
// cannot crash the process that loads it.
func ParseSchedule(s string) (sched cron.Schedule, err error) {
	if s == "" {
		return nil, errors.New("required")
	}
	for _, prefix := range []string{"TZ=", "CRON_TZ="} {
		if zone, ok := strings.CutPrefix(s, prefix); ok && !strings.Contains(zone, " ") {
			return nil, fmt.Errorf("%q is not a cron schedule: a time zone must be followed by the schedule", s)
		}
	}
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("%q is not a cron schedule: %v", s, r)
		}
	}()
	if sched, err = cron.ParseStandard(s); err != nil {
		return nil, fmt.Errorf("%q is not a cron schedule: %w", s, err)
	}
	return sched, nil
}

// namedNamespaces returns the namespaces a namespaceSelector names by the kubernetes.io/metadata.name label.
func namedNamespaces(sel *metav1.LabelSelector) []string {
	const nameLabel = "kubernetes.io/metadata.name"
	if sel == nil {
		return nil
	}
	var out []string
	if n, ok := sel.MatchLabels[nameLabel]; ok {
		out = append(out, n)
	}
	for _, req := range sel.MatchExpressions {
		if req.Key == nameLabel && req.Operator == metav1.LabelSelectorOpIn {
			out = append(out, req.Values...)
		}
	}
	return out
}

// compileDeletingProgram compiles the match constraints (every operation: a cleanup policy selects existing
// objects) and the conditions with the variables.
func (e *Engine) compileDeletingProgram(spec *policiesv1.DeletingPolicySpec, namespace string) (*deletingProgram, error) {
	prog := &deletingProgram{namespace: namespace}
	var err error
	if prog.constraints, err = match.CompileConstraints(anyOperation(spec.MatchConstraints)); err != nil {
		return nil, fmt.Errorf("spec.matchConstraints: %w", err)
	}
	if len(spec.Conditions) == 0 {
		if len(spec.Variables) > 0 {
			return nil, errors.New("spec.variables: variables need at least one condition that uses them")
		}
		return prog, nil
	}
	c, err := e.policyCEL.get()
	if err != nil {
		return nil, fmt.Errorf("CEL environment: %w", err)
	}
	body := &v1alpha1.CEL{Variables: spec.Variables}
	for _, cond := range spec.Conditions {
		body.Expressions = append(body.Expressions, admissionregistrationv1.Validation{Expression: cond.Expression,
			Message: "condition " + cond.Name + " is false"})
	}
	if prog.program, err = c.Compile(body, cel.WithExpressionsField("conditions"), cel.WithNamespace(namespace)); err != nil {
		return nil, fmt.Errorf("spec: %w", err)
	}
	return prog, nil
}

// anyOperation returns m with every resource rule's operations set to "*", as Kyverno matches cleanup policies.
func anyOperation(m *admissionregistrationv1.MatchResources) *admissionregistrationv1.MatchResources {
	if m == nil {
		return nil
	}
	m = m.DeepCopy()
	for i := range m.ResourceRules {
		m.ResourceRules[i].Operations = []admissionregistrationv1.OperationType{admissionregistrationv1.OperationAll}
	}
	for i := range m.ExcludeResourceRules {
		m.ExcludeResourceRules[i].Operations = []admissionregistrationv1.OperationType{admissionregistrationv1.OperationAll}
	}
	return m
}

// selects reports whether the program's constraints select the input; a namespaced policy selects only resources
// of its own namespace.
func (d *deletingProgram) selects(in *Input) bool {
	if d.namespace != "" && in.resource.Namespace != d.namespace {
		return false
	}
	return d.constraints.Matches(&in.resource)
}

// Cleanup evaluates the cleanup rules of p on one existing object: pass means the cleanup controller deletes it
// (selected, and every condition holds), fail that it stays (not selected, or a condition is false), skip that an
// exception covers it, error that a condition could not be evaluated (it stays too). It reads nothing but the input
// and, through the loader, the context libraries' data.
func (e *Engine) Cleanup(ctx context.Context, p *Policy, in *Input, opts EvalOptions) PolicyResult {
	res := PolicyResult{Policy: p}
	loader := p.loaderFor(opts.Loader)
	for _, r := range p.Rules {
		if r.dpol == nil {
			continue
		}
		rr := e.cleanupRule(ctx, r, in, loader)
		if ex := exceptionFor(opts.Exceptions, p, r, in); ex != nil && rr.Status == StatusPass {
			// An exempted resource is never deleted, even under reportResult: pass.
			rr.Status, rr.Exception = StatusSkip, ex.Key()
			rr.Message = "rule is skipped due to policy exception " + ex.Key()
		}
		res.Rules = append(res.Rules, rr)
	}
	return res
}

func (e *Engine) cleanupRule(ctx context.Context, r *Rule, in *Input, loader Loader) RuleResult {
	out := RuleResult{Rule: r.Name, Type: r.Type, Action: ActionAudit}
	d := r.dpol
	if !d.selects(in) {
		out.Status, out.Message = StatusFail, msgCleanupNotMatched
		return out
	}
	if d.program == nil {
		out.Status, out.Message = StatusPass, msgCleanupMatched
		return out
	}
	ci := in.celInput()
	ci.Context = NewCELContext(loader, d.namespace)
	res := d.program.Evaluate(ctx, ci)
	switch res.Status {
	case cel.StatusPass:
		out.Status, out.Message = StatusPass, msgCleanupMatched
	case cel.StatusFail:
		out.Status, out.Message = StatusFail, msgCleanupNotMatched+": "+res.Message
	default:
		out.Status, out.Message = StatusError, res.Message
	}
	return out
}
