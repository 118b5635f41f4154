package engine

import (
	"context"
	"errors"
	"fmt"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine/cel"
)

// celException is the policies.kyverno.io side of an Exception: the CEL policies it names and the match
// conditions a request must satisfy.
type celException struct {
	refs       []policiesv1.PolicyRef
	conditions *cel.Preconditions
	// reportPass turns an exempted result into a pass rather than a skip (reportResult: pass).
	reportPass bool
}

// CompileCELException compiles a policies.kyverno.io PolicyException. An exception whose expiresAt has passed is
// the caller's to drop: the engine has no clock.
func (e *Engine) CompileCELException(ex *policiesv1.PolicyException) (*Exception, error) {
	if len(ex.Spec.PolicyRefs) == 0 {
		return nil, errors.New("spec.policyRefs: at least one policy is required")
	}
	for i, ref := range ex.Spec.PolicyRefs {
		if ref.Name == "" || ref.Kind == "" {
			return nil, fmt.Errorf("spec.policyRefs[%d]: name and kind are required", i)
		}
	}
	switch ex.Spec.ReportResult {
	case "", "skip", "pass":
	default:
		return nil, fmt.Errorf("spec.reportResult: %q is not skip or pass", ex.Spec.ReportResult)
	}
	c, err := e.policyCEL.get()
	if err != nil {
		return nil, fmt.Errorf("CEL environment: %w", err)
	}
	conds, err := c.CompilePreconditions(ex.Spec.MatchConditions, cel.WithNamespace(ex.Namespace))
	if err != nil {
		return nil, fmt.Errorf("spec.matchConditions: %w", err)
	}
	return &Exception{Name: ex.Name, Namespace: ex.Namespace, cel: &celException{
		refs: ex.Spec.PolicyRefs, conditions: conds, reportPass: ex.Spec.ReportResult == "pass"}}, nil
}

// coversPolicy reports whether the exception names the policy by kind and name. For a namespaced policy the
// exception must be in the policy's namespace.
func (x *celException) coversPolicy(p *Policy, exceptionNamespace string) bool {
	if p.Namespace != "" && p.Namespace != exceptionNamespace {
		return false
	}
	for _, ref := range x.refs {
		if ref.Kind == p.Kind && ref.Name == p.Name {
			return true
		}
	}
	return false
}

// applies reports whether every match condition holds for the input; an evaluation error means it does not apply,
// so a broken exception never exempts anything.
func (x *celException) applies(ctx context.Context, in *Input) bool {
	ok, err := x.conditions.Match(ctx, in.celInput())
	return err == nil && ok
}
