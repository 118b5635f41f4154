package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine/cel"
	"github.com/bylaw-dev/bylaw/engine/celmutate"
	"github.com/bylaw-dev/bylaw/engine/match"
)

// existingTargets is the mutateExisting part of a MutatingPolicy rule: which existing objects a trigger's
// admission patches. The targets are selected by targetMatchConstraints when it has resource rules, else by
// matchConstraints (each target is then its own trigger, and the match conditions are evaluated on it too).
type existingTargets struct {
	// selectors are what is listed: one API path per group, version and resource of the rules.
	selectors []targetList
	// constraints select among the listed objects (operations ignored: a target is not being admitted).
	constraints *match.Constraints
	// conditionsOnTarget is set without targetMatchConstraints: the match conditions must hold on each target.
	conditionsOnTarget bool
	// namespaceLabels is set when the constraints select by namespace labels, which are then read.
	namespaceLabels bool
}

// targetList is one list of candidate targets: the objects of one kind.
type targetList struct {
	group, version, resource, kind string
	names                          []string // resourceNames; empty: every name
	selector                       *metav1.LabelSelector
}

// compileMutateExisting compiles evaluation.mutateExisting of spec into prog: the rule then runs for the generate
// controller (StageTrigger) on a trigger's admission, and patches existing targets rather than the trigger.
func (e *Engine) compileMutateExisting(spec *policiesv1.MutatingPolicySpec, prog *mutatingProgram, r *Rule, p *Policy) error {
	if !spec.MutateExistingEnabled() {
		return nil
	}
	m, field := spec.MatchConstraints, "matchConstraints"
	t := &existingTargets{conditionsOnTarget: true}
	if tc := spec.TargetMatchConstraints; tc != nil {
		if tc.Expression != "" {
			return errors.New("targetMatchConstraints.expression: selecting targets by expression is not supported; use resourceRules")
		}
		if len(tc.ResourceRules) > 0 {
			m, field, t.conditionsOnTarget = &tc.MatchResources, "targetMatchConstraints", false
		}
	}
	wild := m.DeepCopy()
	for i := range wild.ResourceRules {
		wild.ResourceRules[i].Operations = []admissionregistrationv1.OperationType{admissionregistrationv1.OperationAll}
	}
	var err error
	if t.constraints, err = match.CompileConstraints(wild); err != nil {
		return fmt.Errorf("%s: %w", field, err)
	}
	if t.selectors, err = e.targetLists(m, field); err != nil {
		return err
	}
	t.namespaceLabels = m.NamespaceSelector != nil
	prog.existing = t
	r.stages = 0
	if p.Admission {
		r.stages = StageTrigger
	}
	return nil
}

// targetLists returns the lists the rules of m ask for: one per group, version and resource, which must be of a
// built-in kind (listed by kind, as the generate controller lists); a wildcard or a subresource cannot be listed.
func (e *Engine) targetLists(m *admissionregistrationv1.MatchResources, field string) ([]targetList, error) {
	if m.ObjectSelector != nil {
		if _, err := metav1.LabelSelectorAsSelector(m.ObjectSelector); err != nil {
			return nil, fmt.Errorf("%s.objectSelector: %w", field, err)
		}
	}
	var out []targetList
	for i, rule := range m.ResourceRules {
		for _, g := range rule.APIGroups {
			for _, v := range rule.APIVersions {
				for _, res := range rule.Resources {
					at := fmt.Sprintf("%s.resourceRules[%d]", field, i)
					if g == "*" || v == "*" || strings.Contains(res, "*") || strings.Contains(res, "/") {
						return nil, fmt.Errorf("%s: mutateExisting lists its targets: name the group, version and resource (%q/%q/%q is a wildcard or a subresource)", at, g, v, res)
					}
					kind, ok := e.kinds.kindOf(g, v, res)
					if !ok {
						return nil, fmt.Errorf("%s: mutateExisting targets must be of a built-in kind: %q/%q/%q is not one", at, g, v, res)
					}
					out = append(out, targetList{group: g, version: v, resource: res, kind: kind, names: rule.ResourceNames, selector: m.ObjectSelector})
				}
			}
		}
	}
	return out, nil
}

// query is the loader query that lists the targets, in namespace ns ("" for every namespace).
func (t targetList) query(ns string) ResourceQuery {
	apiVersion := t.version
	if t.group != "" {
		apiVersion = t.group + "/" + t.version
	}
	return ResourceQuery{Kinds: []string{apiVersion + "/" + t.kind}, Namespace: ns, Selector: t.selector}
}

// mutateTargetsCEL runs a mutateExisting MutatingPolicy rule on its trigger: the match conditions on the trigger,
// then the mutations on every existing target, each bound to `object` (with `request` the trigger's request). The
// trigger is not changed. A namespaced policy lists and patches targets of its own namespace only.
func (e *Engine) mutateTargetsCEL(ctx context.Context, p *Policy, r *Rule, in *Input, loader Loader, opts EvalOptions) ([]PatchedTarget, RuleResult, bool) {
	m := r.mpol
	if !r.Selects(in) || in.req.Operation == OperationDelete {
		return nil, RuleResult{}, false
	}
	if ex := exceptionFor(opts.Exceptions, p, r, in); ex != nil && m.conditionsHold(ctx, in) {
		return nil, exempted(RuleResult{Rule: r.Name, Type: r.Type}, ex), true // an exempted trigger patches nothing
	}
	ci := in.celInput()
	ci.Context = NewCELContext(loader, m.namespace)
	if ok, err := m.program.Match(ctx, ci); err != nil || !ok {
		return nil, r.errorResultUnlessIgnored(err), err != nil && !m.ignoreErrors
	}
	if loader == nil {
		return nil, r.errorResult(errors.New("mutateExisting: no loader for existing resources")), true
	}
	targets, err := m.existing.fetch(ctx, p, in, loader)
	if err != nil {
		return nil, r.errorResultUnlessIgnored(err), !m.ignoreErrors
	}
	var out []PatchedTarget
	for _, t := range targets {
		patched, err := e.patchTargetCEL(ctx, p, r, in, t, loader, opts.Exceptions)
		if err != nil {
			err = fmt.Errorf("target %s %s/%s: %w", stringAt(t.obj, "kind"), t.resource.Namespace, t.resource.Name, err)
			return nil, r.errorResultUnlessIgnored(err), !m.ignoreErrors
		}
		if patched != nil {
			out = append(out, PatchedTarget{Rule: r.Name, Object: patched})
		}
	}
	if len(out) == 0 {
		return nil, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusSkip, Message: "no target changed"}, true
	}
	return out, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusPass, Message: fmt.Sprintf("mutated %d target(s)", len(out))}, true
}

func (r *Rule) errorResultUnlessIgnored(err error) RuleResult {
	if err == nil || r.mpol.ignoreErrors {
		return RuleResult{}
	}
	return r.errorResult(err)
}

// patchTargetCEL returns the patched target, or nil when the match conditions do not hold on it (without
// targetMatchConstraints), an exception covers it, or nothing changed.
func (e *Engine) patchTargetCEL(ctx context.Context, p *Policy, r *Rule, trigger *Input, t candidate, loader Loader,
	exceptions []*Exception) (map[string]any, error) {
	m := r.mpol
	tin := NewInput(Request{Operation: trigger.req.Operation, Object: t.obj, UserInfo: trigger.req.UserInfo,
		NamespaceLabels: t.resource.NamespaceLabels})
	if exceptionFor(exceptions, p, r, tin) != nil {
		return nil, nil
	}
	ci := tin.celInput()
	ci = cel.Input{Object: t.obj, Request: admissionRequestDoc(trigger), NamespaceObject: ci.NamespaceObject, Context: NewCELContext(loader, m.namespace)}
	if m.existing.conditionsOnTarget {
		if ok, err := m.program.Match(ctx, ci); err != nil || !ok {
			return nil, err
		}
	}
	patched, err := celmutate.Run(ctx, m.program, ci, e.converters)
	if err != nil || reflect.DeepEqual(patched, t.obj) {
		return nil, err
	}
	return patched, nil
}

// candidate is a listed object that the target constraints select.
type candidate struct {
	obj      map[string]any
	resource match.Resource
}

// fetch lists the candidate targets and returns those the target constraints select, each once.
func (t *existingTargets) fetch(ctx context.Context, p *Policy, trigger *Input, loader Loader) ([]candidate, error) {
	var out []candidate
	seen := map[string]bool{}
	labels := map[string]map[string]string{}
	for _, l := range t.selectors {
		q := l.query(p.Namespace)
		objs, err := loader.List(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("listing mutateExisting targets %s in namespace %q: %w", q.Kinds[0], q.Namespace, err)
		}
		for _, obj := range objs {
			c, ok, err := t.candidateOf(ctx, p, trigger, loader, l, obj, labels)
			if err != nil {
				return nil, err
			}
			key := stringAt(obj, "apiVersion") + "/" + stringAt(obj, "kind") + "/" + c.resource.Namespace + "/" + c.resource.Name
			if ok && !seen[key] {
				seen[key] = true
				out = append(out, c)
			}
		}
	}
	return out, nil
}

// candidateOf checks one listed object: its name (resourceNames), its namespace (a namespaced policy's own
// only), then the constraints with the labels of its namespace.
func (t *existingTargets) candidateOf(ctx context.Context, p *Policy, trigger *Input, loader Loader, l targetList,
	obj map[string]any, labels map[string]map[string]string) (candidate, bool, error) {
	res := matchResource(Request{}, obj)
	res.Resource, res.Group, res.Version = l.resource, l.group, l.version
	if len(l.names) > 0 && !slices.Contains(l.names, res.Name) {
		return candidate{}, false, nil
	}
	if err := p.CheckNamespace("mutateExisting target", res.Namespace); err != nil {
		return candidate{}, false, fmt.Errorf("%s %s: %w", res.Kind, res.Name, err)
	}
	if res.Namespace != "" && t.namespaceLabels {
		nsLabels, err := namespaceLabelsOf(ctx, p, trigger, loader, res.Namespace, labels)
		if err != nil {
			return candidate{}, false, err
		}
		res.NamespaceLabels = nsLabels
	}
	return candidate{obj: obj, resource: res}, t.constraints.Matches(&res), nil
}

// namespaceLabelsOf returns the labels of namespace ns: the trigger's when it is the trigger's namespace, else
// read once per evaluation.
func namespaceLabelsOf(ctx context.Context, p *Policy, trigger *Input, loader Loader, ns string, cache map[string]map[string]string) (map[string]string, error) {
	if ns == trigger.resource.Namespace {
		return trigger.req.NamespaceLabels, nil
	}
	if l, ok := cache[ns]; ok {
		return l, nil
	}
	if p.Namespace != "" {
		return nil, nil // unreachable: CheckNamespace refused the target
	}
	obj, err := loader.Resource(ctx, ResourceQuery{APIVersion: "v1", Kind: "Namespace", Name: ns})
	if err != nil {
		return nil, fmt.Errorf("reading the labels of namespace %s: %w", ns, err)
	}
	meta, _ := obj["metadata"].(map[string]any)
	cache[ns] = stringMap(meta["labels"])
	return cache[ns], nil
}
