package cel

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

// Preconditions are a rule's compiled `celPreconditions`. They are immutable and safe for concurrent use; a nil
// *Preconditions always matches.
type Preconditions struct {
	conds []precondition
	cost  costModel
	libs  *libBinding
}

type precondition struct {
	name   string
	source string
	prog   program
}

// CompilePreconditions compiles match conditions; each must be a boolean expression over object, oldObject,
// request, namespaceObject and params. Errors name the condition (`celPreconditions[0] (name).expression`).
func (c *Compiler) CompilePreconditions(conds []admissionregistrationv1.MatchCondition, opts ...CompileOption) (*Preconditions, error) {
	p := &Preconditions{conds: make([]precondition, len(conds))}
	if len(conds) == 0 {
		return p, nil
	}
	var o compileOptions
	for _, opt := range opts {
		opt(&o)
	}
	envs, err := c.ruleEnvs(true, o.namespace)
	if err != nil {
		return nil, err
	}
	p.libs = envs.libs
	asts := make([]*cel.Ast, len(conds))
	for i, mc := range conds {
		prog, _, err := envs.compile(mc.Expression, cel.BoolType)
		if err != nil {
			return nil, fmt.Errorf("celPreconditions[%d] (%s).expression: %w", i, mc.Name, err)
		}
		p.conds[i] = precondition{name: mc.Name, source: strings.TrimSpace(mc.Expression), prog: prog}
		asts[i] = prog.ast
	}
	p.cost = newCostModel(envs.tracked, asts, 0, preconditionsBudget)
	p.cost.slot = c.modelSlot()
	return p, nil
}

// Match reports whether every condition holds, with the semantics of admission match conditions: a condition that
// evaluates to false means no match, even when another condition fails to evaluate; otherwise any evaluation error
// (including the match-condition cost budget running out) is returned and the rule does not match.
func (p *Preconditions) Match(ctx context.Context, in Input) (bool, error) {
	if p == nil || len(p.conds) == 0 {
		return true, nil
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("evaluate celPreconditions: %w", err)
	}
	ev := &evaluation{ctx: ctx, in: in, budget: preconditionsBudget, libs: p.libs}
	ev.fast = p.cost.allows(&ev.in)
	var errs []error
	for i := range p.conds {
		c := &p.conds[i]
		val, err := ev.run(&c.prog)
		if errors.Is(err, ErrBudgetExceeded) {
			return false, fmt.Errorf("evaluate celPreconditions[%d] (%s): %w", i, c.name, err)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("celPreconditions[%d] (%s): expression '%s' resulted in error: %w", i, c.name, c.source, err))
			continue
		}
		if val == types.False {
			return false, nil
		}
	}
	if len(errs) > 0 {
		return false, errors.Join(errs...)
	}
	return true, nil
}
