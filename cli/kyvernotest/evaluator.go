package kyvernotest

import (
	"context"
	"maps"

	"github.com/bylaw-dev/bylaw/engine"
)

// Evaluator evaluates policies on resources with a Values file applied as the Kyverno CLI applies it: global
// values, then the policy's values for the resource (by name), then the policy's values for a rule (for that rule
// only). It is shared by `bylaw test` and `bylaw apply`, and safe for concurrent use once built.
type Evaluator struct {
	Engine     *engine.Engine
	Values     *Values // may be nil
	User       engine.UserInfo
	Loader     engine.Loader // may be nil when no rule loads external data
	Exceptions []*engine.Exception
}

// Resource is an object prepared once for evaluation against any number of policies.
type Resource struct {
	Object map[string]any
	input  *engine.Input // with global values
}

// Input returns the engine input built from global values; policies without their own values use it.
func (r *Resource) Input() *engine.Input { return r.input }

// Prepare builds the shared input of an object.
func (ev *Evaluator) Prepare(obj map[string]any) *Resource {
	return &Resource{Object: obj, input: ev.newInput(obj, ev.Values.GlobalVariables())}
}

// Evaluate runs policy p on r. The input prepared for r is reused unless the values give the policy its own values
// for the resource or its rules.
func (ev *Evaluator) Evaluate(ctx context.Context, p *engine.Policy, r *Resource) engine.PolicyResult {
	opts := engine.EvalOptions{Loader: ev.Loader, Exceptions: ev.Exceptions}
	vars, specific := ev.Values.resourceVariables(p.Name, r.input.Name())
	in := r.input
	if specific {
		in = ev.newInput(r.Object, vars)
	}
	if !ev.Values.hasRuleVariables(p.Name) {
		return ev.Engine.Evaluate(ctx, p, in, opts)
	}
	return ev.evaluateWithRuleValues(ctx, p, r.Object, in, vars, opts)
}

// evaluateWithRuleValues evaluates rules without values on in, and every rule with values on an input that adds
// them, keeping each rule's result from the evaluation that carried its values.
func (ev *Evaluator) evaluateWithRuleValues(ctx context.Context, p *engine.Policy, obj map[string]any, in *engine.Input,
	vars map[string]any, opts engine.EvalOptions) engine.PolicyResult {
	pv := ev.Values.policy(p.Name)
	byRule := make(map[string]engine.RuleResult, len(p.Rules))
	var generated []engine.Generated
	var patched map[string]any
	var targets []engine.PatchedTarget
	keep := func(res engine.PolicyResult, entry int) {
		for _, rr := range res.Rules {
			if pv.ruleIndex(rr.Rule) != entry {
				continue
			}
			byRule[rr.Rule] = rr
			if rr.Type == engine.RuleMutate && rr.Status == engine.StatusPass && res.Patched != nil {
				patched = res.Patched // the evaluation that carried a mutate rule's values made the patch
			}
		}
		for _, g := range res.Generated {
			if pv.ruleIndex(g.Rule) == entry {
				generated = append(generated, g)
			}
		}
		for _, t := range res.PatchedTargets {
			if pv.ruleIndex(t.Rule) == entry {
				targets = append(targets, t)
			}
		}
	}
	keep(ev.Engine.Evaluate(ctx, p, in, opts), -1)
	done := make(map[int]bool)
	for _, r := range p.Rules {
		entry := pv.ruleIndex(r.Name)
		if entry < 0 || done[entry] {
			continue
		}
		done[entry] = true
		merged := make(map[string]any, len(vars)+len(pv.Rules[entry].Values))
		maps.Copy(merged, vars)
		maps.Copy(merged, pv.Rules[entry].Values)
		keep(ev.Engine.Evaluate(ctx, p, ev.newInput(obj, merged), opts), entry)
	}
	out := engine.PolicyResult{Policy: p, Generated: generated, Patched: patched, PatchedTargets: targets}
	for _, r := range p.Rules {
		if rr, ok := byRule[r.Name]; ok {
			out.Rules = append(out.Rules, rr)
		}
	}
	return out
}

func (ev *Evaluator) newInput(obj map[string]any, vars map[string]any) *engine.Input {
	apiVersion, _ := obj["apiVersion"].(string)
	kind, _ := obj["kind"].(string)
	meta, _ := obj["metadata"].(map[string]any)
	namespace, _ := meta["namespace"].(string)
	req := newRequest(obj, vars, ev.User, ev.Values.NamespaceLabels(namespace))
	if sub, parent, ok := ev.Values.SubresourceOf(apiVersion, kind); ok {
		group, version := splitAPIVersion(apiVersion)
		req.Subresource, req.Kind = sub, &parent
		req.ObjectKind = &engine.GroupVersionKind{Group: group, Version: version, Kind: kind}
	}
	return engine.NewInput(req)
}
