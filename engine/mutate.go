package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/bylaw-dev/bylaw/engine/mutate"
)

// MutateResult holds the results of the mutate rules of a policy and the object they produced.
type MutateResult struct {
	Policy *Policy
	Rules  []RuleResult
	// Patched is the object after every rule, or nil when no rule changed it.
	Patched map[string]any
	// Targets are the existing objects that mutate-existing rules (mutate.targets) changed.
	Targets []PatchedTarget
}

// Patches returns the RFC 6902 operations that turn the input's object into the patched one: what an admission
// response carries. It is nil when nothing was patched.
func (r MutateResult) Patches(in *Input) ([]mutate.Operation, error) {
	if r.Patched == nil {
		return nil, nil
	}
	return mutate.Diff(in.obj, r.Patched)
}

// Mutate applies the mutate rules of p in order, each to the result of the previous one. A rule that changes
// nothing is a skip.
func (e *Engine) Mutate(ctx context.Context, p *Policy, in *Input, opts EvalOptions) MutateResult {
	res := MutateResult{Policy: p}
	if p.Namespace != "" && p.Namespace != in.resource.Namespace {
		return res
	}
	cur, loader := in, p.loaderFor(opts.Loader)
	for _, r := range p.Rules {
		if r.mpol != nil && r.mpol.existing != nil {
			if targets, rr, applied := e.mutateTargetsCEL(ctx, p, r, cur, loader, opts); applied {
				res.Rules = append(res.Rules, rr)
				res.Targets = append(res.Targets, targets...)
			}
			continue
		}
		if r.mpol != nil {
			if patched := e.mutateCEL(ctx, p, r, cur, loader, opts, &res); patched != nil {
				cur = cur.withObject(patched)
			}
			continue
		}
		if r.mutate == nil || !r.Selects(cur) {
			continue
		}
		if len(r.mutate.targets) > 0 {
			targets, rr := e.mutateExisting(ctx, r, cur, loader)
			res.Rules = append(res.Rules, rr)
			res.Targets = append(res.Targets, targets...)
			continue
		}
		patched, rr := e.mutateRule(ctx, r, cur, loader)
		res.Rules = append(res.Rules, rr)
		if patched != nil {
			res.Patched = patched
			cur = cur.withObject(patched)
		}
	}
	return res
}

// mutateExisting runs a mutate-existing rule on its trigger: context and preconditions, then the targets.
func (e *Engine) mutateExisting(ctx context.Context, r *Rule, in *Input, loader Loader) ([]PatchedTarget, RuleResult) {
	doc, stop := r.prepare(ctx, in, loader)
	if stop != nil {
		return nil, *stop
	}
	return e.mutateTargets(ctx, r, in, doc, loader)
}

// mutateRule returns the patched object (nil when unchanged) and the rule's result.
func (e *Engine) mutateRule(ctx context.Context, r *Rule, in *Input, loader Loader) (map[string]any, RuleResult) {
	doc, stop := r.prepare(ctx, in, loader)
	if stop != nil {
		return nil, *stop
	}
	obj := in.obj
	m := r.mutate
	var err error
	if m.patch.isSet() {
		obj, err = m.patch.apply(obj, doc)
	} else {
		obj, err = e.mutateForeachList(ctx, m.foreach, in, doc, obj, loader, 0)
	}
	switch {
	case errors.Is(err, mutate.ErrConditionNotMet):
		return nil, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusSkip, Message: "conditional anchor not met"}
	case err != nil:
		return nil, r.errorResult(err)
	case reflect.DeepEqual(obj, in.obj):
		return nil, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusSkip, Message: "no change"}
	}
	return obj, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusPass, Message: "mutated " + in.Kind() + "/" + in.Name()}
}

// apply renders the patch in doc and applies it to obj.
func (p patchProgram) apply(obj map[string]any, doc any) (map[string]any, error) {
	if p.overlay != nil {
		v, err := p.overlay.Render(doc)
		if err != nil {
			return nil, fmt.Errorf("patchStrategicMerge: %w", err)
		}
		overlay, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("patchStrategicMerge: rendered to %T, not an object", v)
		}
		return mutate.StrategicMerge(obj, overlay)
	}
	text, err := p.jsonPatch.RenderString(doc)
	if err != nil {
		return nil, fmt.Errorf("patchesJson6902: %w", err)
	}
	return mutate.JSON6902(obj, text)
}

// mutateForeachList applies each foreach declaration in turn; elements are read from the object as the rule found it
// and each element's patch applies to the result of the previous one.
func (e *Engine) mutateForeachList(ctx context.Context, list []*mutateForeach, in *Input, doc map[string]any, obj map[string]any, loader Loader, depth int) (map[string]any, error) {
	for i, fe := range list {
		next, err := e.mutateForeach(ctx, fe, in, doc, obj, loader, depth)
		if err != nil {
			return nil, fmt.Errorf("foreach[%d]: %w", i, err)
		}
		if !reflect.DeepEqual(next, obj) {
			// later declarations see the object as this one left it.
			doc = cloneDoc(doc)
			setPath(doc, "request.object", next)
		}
		obj = next
	}
	return obj, nil
}

func (e *Engine) mutateForeach(ctx context.Context, fe *mutateForeach, in *Input, doc map[string]any, obj map[string]any, loader Loader, depth int) (map[string]any, error) {
	// Kyverno's mutate foreach reports a list it cannot evaluate, an absent one included, as the rule's error.
	elements, err := foreachElements(fe.list, doc)
	if err != nil {
		return nil, err
	}
	indexes := make([]int, len(elements))
	for i := range indexes {
		indexes[i] = i
	}
	if fe.descending {
		slices.Reverse(indexes)
	}
	for _, idx := range indexes {
		if elements[idx] == nil {
			continue
		}
		edoc, err := loadContext(ctx, fe.context, withElement(doc, elements[idx], idx, depth), in, loader)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", idx, err)
		}
		pre, err := fe.preconditions.evaluate(edoc)
		if err != nil {
			return nil, fmt.Errorf("element %d: preconditions: %w", idx, err)
		}
		if !pre.held {
			continue
		}
		if len(fe.nested) > 0 {
			obj, err = e.mutateForeachList(ctx, fe.nested, in, edoc, obj, loader, depth+1)
		} else {
			obj, err = fe.patch.apply(obj, edoc)
			if errors.Is(err, mutate.ErrConditionNotMet) {
				continue
			}
		}
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", idx, err)
		}
	}
	return obj, nil
}
