package engine

import (
	"context"
	"fmt"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/match"
	"github.com/bylaw-dev/bylaw/engine/wildcard"
)

// Exception is a compiled PolicyException: it turns the results of the named policy rules into skips for the
// resources it matches.
type Exception struct {
	Name       string
	Namespace  string
	entries    []v1alpha1.Exception
	match      *match.Matcher
	conditions *conditionTree
	// cel, when set, makes this a policies.kyverno.io PolicyException for CEL policies.
	cel *celException
}

// Key returns "namespace/name".
func (x *Exception) Key() string { return x.Namespace + "/" + x.Name }

// CompileException compiles a PolicyException.
func (e *Engine) CompileException(ex *v1alpha1.PolicyException) (*Exception, error) {
	out := &Exception{Name: ex.Name, Namespace: ex.Namespace, entries: ex.Spec.Exceptions}
	if len(ex.Spec.Exceptions) == 0 {
		return nil, fmt.Errorf("spec.exceptions: at least one policy is required")
	}
	var err error
	if out.match, err = compileMatch(&ex.Spec.Match); err != nil {
		return nil, fmt.Errorf("spec.match: %w", err)
	}
	if out.conditions, err = e.compileConditions(ex.Spec.Conditions); err != nil {
		return nil, fmt.Errorf("spec.conditions: %w", err)
	}
	return out, nil
}

// covers reports whether the exception names the policy rule.
func (x *Exception) covers(p *Policy, r *Rule) bool {
	if celRule := r.vpol != nil || r.mpol != nil; x.cel != nil || celRule {
		return x.cel != nil && celRule && x.cel.coversPolicy(p, x.Namespace)
	}
	for _, en := range x.entries {
		if en.PolicyName != p.Key() && en.PolicyName != p.Name {
			continue
		}
		for _, name := range en.RuleNames {
			if wildcard.Match(name, r.Name) {
				return true
			}
		}
	}
	return false
}

// applies reports whether the exception matches the input and its conditions hold.
func (x *Exception) applies(in *Input) bool {
	if x.cel != nil {
		return x.cel.applies(context.Background(), in)
	}
	if !x.match.Matches(&in.resource) {
		return false
	}
	res, err := x.conditions.evaluate(in.doc)
	return err == nil && res.held
}

func exceptionFor(list []*Exception, p *Policy, r *Rule, in *Input) *Exception {
	for _, x := range list {
		if x.covers(p, r) && x.applies(in) {
			return x
		}
	}
	return nil
}

// ReportsPass reports whether a result the exception exempts is reported as pass (a CEL exception with
// reportResult: pass) rather than skip.
func (x *Exception) ReportsPass() bool { return x.cel != nil && x.cel.reportPass }
