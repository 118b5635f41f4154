package engine

import (
	"context"
	"fmt"
)

// EvalOptions carries what an evaluation needs besides the policy and the input.
type EvalOptions struct {
	// Loader fetches external context data; nil when no rule needs any.
	Loader Loader
	// Exceptions are the compiled PolicyExceptions in force.
	Exceptions []*Exception
}

// Evaluate runs every rule type of p on the input as admission does: mutate rules first (the patched object comes
// back in Patched), then validate rules on the patched object, then generate rules, whose objects come back in
// Generated.
func (e *Engine) Evaluate(ctx context.Context, p *Policy, in *Input, opts EvalOptions) PolicyResult {
	if p.cleanup != nil {
		return e.Cleanup(ctx, p, in, opts) // a cleanup policy says which objects it would delete
	}
	var mutated MutateResult
	if p.hasMutate {
		if mutated = e.Mutate(ctx, p, in, opts); mutated.Patched != nil {
			in = in.withObject(mutated.Patched)
		}
	}
	res := e.Validate(ctx, p, in, opts)
	res.Rules = append(mutated.Rules, res.Rules...)
	res.Patched, res.PatchedTargets = mutated.Patched, mutated.Targets
	if !p.hasGenerate {
		return res
	}
	gen := e.Generate(ctx, p, in, opts)
	res.Rules = append(res.Rules, gen.Rules...)
	res.Generated = gen.Objects
	return res
}

// Validate evaluates the validate rules of p on the input and returns the results of the rules that applied.
func (e *Engine) Validate(ctx context.Context, p *Policy, in *Input, opts EvalOptions) PolicyResult {
	res := PolicyResult{Policy: p}
	if p.Namespace != "" && p.Namespace != in.resource.Namespace {
		return res
	}
	loader := p.loaderFor(opts.Loader)
	for _, r := range p.Rules {
		if r.generate != nil || r.mutate != nil || r.dpol != nil || r.mpol != nil {
			continue // generate, mutate and cleanup rules run in Generate, Mutate and Cleanup
		}
		rr, applied := e.evaluateRule(ctx, r, in, loader)
		if !applied {
			continue
		}
		rr.Action = r.ActionFor(in.resource.Namespace)
		if ex := exceptionFor(opts.Exceptions, p, r, in); ex != nil && rr.Status != StatusSkip {
			rr = exempted(rr, ex)
		}
		res.Rules = append(res.Rules, rr)
		if p.ApplyOne && rr.Status != StatusSkip {
			break
		}
	}
	return res
}

// exempted turns the result of a rule an exception covers into a skip, or a pass for a CEL exception with
// reportResult: pass.
func exempted(rr RuleResult, ex *Exception) RuleResult {
	rr.Status, rr.Exception = StatusSkip, ex.Key()
	rr.Message = "rule is skipped due to policy exception " + ex.Key()
	if ex.ReportsPass() {
		rr.Status, rr.Message = StatusPass, "rule is passed due to policy exception "+ex.Key()
	}
	return rr
}

// evaluateRule runs one rule; applied is false when match/exclude do not select the resource.
func (e *Engine) evaluateRule(ctx context.Context, r *Rule, in *Input, loader Loader) (RuleResult, bool) {
	if !r.Selects(in) {
		return RuleResult{}, false
	}
	if r.vpol != nil {
		return e.validateValidating(ctx, r, in, loader)
	}
	result := RuleResult{Rule: r.Name, Type: r.Type}
	if r.unsupported != nil {
		result.Status, result.Message, result.Unsupported = StatusError, r.unsupported.Reason, true
		return result, true
	}
	doc, stop := r.prepare(ctx, in, loader)
	if stop != nil {
		return *stop, true
	}
	return e.validateRule(ctx, r, in, doc, loader), true
}

// Selects reports whether the rule's match selects the input, its exclude does not remove it and its
// celPreconditions hold (a celPreconditions error counts as not selected).
func (r *Rule) Selects(in *Input) bool {
	if sel, ok := r.selectsByConstraints(in); ok {
		return sel
	}
	if !r.match.Matches(&in.resource) {
		return false
	}
	if r.exclude != nil && r.exclude.Excludes(&in.resource) {
		return false
	}
	if r.celMatch == nil {
		return true
	}
	ok, err := r.celMatch.Match(context.Background(), in.celInput())
	return err == nil && ok
}

// selectsByConstraints answers Selects for the rules of the policies.kyverno.io kinds, which select by
// matchConstraints (ok false for the rules of ClusterPolicy and Policy).
func (r *Rule) selectsByConstraints(in *Input) (selected, ok bool) {
	switch {
	case r.vpol != nil:
		return r.vpol.selects(in), true
	case r.dpol != nil:
		return r.dpol.selects(in), true
	case r.generate != nil && r.generate.gpol != nil:
		return r.generate.gpol.selects(in), true
	case r.mpol != nil:
		return r.mpol.selects(in), true
	}
	return false, false
}

// MatchesIgnoringExclude reports whether match selects the input, whatever exclude says; with Selects it tells an
// excluded resource from one the rule never selected.
func (r *Rule) MatchesIgnoringExclude(in *Input) bool {
	if sel, ok := r.selectsByConstraints(in); ok {
		return sel
	}
	return r.match.Matches(&in.resource)
}

// prepare loads the rule's context and checks its preconditions. It returns the context document, or the rule's
// final result (an error, or a skip when the preconditions do not hold).
func (r *Rule) prepare(ctx context.Context, in *Input, loader Loader) (map[string]any, *RuleResult) {
	doc, err := loadContext(ctx, r.context, in.doc, in, loader)
	if err != nil {
		res := r.errorResult(err)
		return nil, &res
	}
	pre, err := r.preconditions.evaluate(doc)
	if err != nil {
		res := r.errorResult(fmt.Errorf("preconditions: %w", err))
		return nil, &res
	}
	if !pre.held {
		return nil, &RuleResult{Rule: r.Name, Type: r.Type, Status: StatusSkip, Message: "preconditions not met"}
	}
	return doc, nil
}

func (r *Rule) errorResult(err error) RuleResult {
	return RuleResult{Rule: r.Name, Type: r.Type, Status: StatusError, Message: err.Error()}
}
