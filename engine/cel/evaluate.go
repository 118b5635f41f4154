package cel

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// Kubernetes limits applied to evaluations.
const (
	// ruleBudget is the cost one rule evaluation (variables, expressions, messageExpression) may spend.
	ruleBudget = celconfig.RuntimeCELCostBudget
	// preconditionsBudget is the cost the preconditions of one rule may spend.
	preconditionsBudget = celconfig.RuntimeCELCostBudgetMatchConditions
	// checkFrequency is how many comprehension iterations run between checks of the context and cost limit.
	checkFrequency = celconfig.CheckFrequency
	// maxMessageBytes bounds a messageExpression result; longer ones fall back to the static message.
	maxMessageBytes = celconfig.MaxEvaluatedMessageExpressionSizeBytes
)

// ErrBudgetExceeded reports that an evaluation spent its whole runtime cost budget.
var ErrBudgetExceeded = errors.New("validation failed due to running out of cost budget, no further validation rules will be run")

// Status is the outcome of a rule evaluation.
type Status int

const (
	// StatusPass means every expression evaluated to true.
	StatusPass Status = iota
	// StatusFail means an expression evaluated to false.
	StatusFail
	// StatusError means an expression could not be evaluated (runtime error, cost limit, cancelled context).
	StatusError
)

// String returns pass, fail or error.
func (s Status) String() string {
	switch s {
	case StatusPass:
		return "pass"
	case StatusFail:
		return "fail"
	case StatusError:
		return "error"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result is the outcome of evaluating a rule.
type Result struct {
	Status Status
	// Message explains a failure or an error; empty on pass.
	Message string
	// AuditAnnotations holds the non-empty audit annotation values by key; nil when there are none.
	AuditAnnotations map[string]string
}

// Evaluate runs the rule against in. Expressions run in order and the first one that does not evaluate to true
// decides the result; see the package documentation for messages and limits.
func (p *Program) Evaluate(ctx context.Context, in Input) Result {
	return p.evaluate(ctx, in, true)
}

// evaluate runs the rule; mayBeFast false forces the tracked programs (tests compare both).
func (p *Program) evaluate(ctx context.Context, in Input, mayBeFast bool) Result {
	if err := ctx.Err(); err != nil {
		return Result{Status: StatusError, Message: fmt.Sprintf("evaluation cancelled: %v", err)}
	}
	ev := p.newEvaluation(ctx, in)
	defer p.release(ev)
	ev.fast = mayBeFast && p.cost.allows(&ev.in)
	res := Result{Status: StatusPass}
	for i := range p.expressions {
		e := &p.expressions[i]
		val, err := ev.run(&e.prog)
		if err != nil {
			return errorResult(e, err)
		}
		if val != types.True {
			res.Status = StatusFail
			if res.Message, err = ev.failureMessage(e); err != nil {
				return Result{Status: StatusError, Message: fmt.Sprintf("failed messageExpression: %v", err)}
			}
			break
		}
	}
	if len(p.annotations) > 0 {
		ev.budget, ev.pending = ruleBudget, 0
		res.AuditAnnotations = ev.auditAnnotations()
	}
	return res
}

// newEvaluation returns a cleared evaluation of p on in, from p's pool. Evaluations are pooled because every rule
// evaluation needs one and none outlives it: results hold only strings.
func (p *Program) newEvaluation(ctx context.Context, in Input) *evaluation {
	ev, ok := p.pool.Get().(*evaluation)
	if !ok {
		ev = &evaluation{}
	}
	ev.ctx, ev.prog, ev.in, ev.budget, ev.libs = ctx, p, in, ruleBudget, p.libs
	return ev
}

// release clears ev, so that the pool keeps no input alive, and returns it to p's pool.
func (p *Program) release(ev *evaluation) {
	*ev = evaluation{}
	p.pool.Put(ev)
}

// errorResult reports an expression that could not be evaluated.
func errorResult(e *expression, err error) Result {
	if errors.Is(err, ErrBudgetExceeded) {
		return Result{Status: StatusError, Message: err.Error()}
	}
	return Result{Status: StatusError, Message: fmt.Sprintf("expression '%s' resulted in error: %v", strings.TrimSpace(e.source), err)}
}

// run evaluates one program. Untracked programs run when the evaluation is fast; otherwise the program's cost, and
// the cost of the variables it evaluated, is charged to the budget.
func (ev *evaluation) run(prog *program) (ref.Val, error) {
	if ev.fast && prog.fast != nil {
		return ev.execFast(prog.fast)
	}
	val, det, err := ev.exec(prog.tracked)
	cost := det.ActualCost()
	if cost == nil {
		if err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("runtime cost could not be calculated: %w", ErrBudgetExceeded)
	}
	spent := addCost(ev.pending, *cost)
	ev.pending = 0
	if spent > ev.budget {
		ev.budget = 0
		return nil, ErrBudgetExceeded
	}
	ev.budget -= spent
	if err != nil {
		return nil, err
	}
	return val, nil
}

// exec evaluates a tracked program with this evaluation as activation, checking the context every
// checkFrequency comprehension iterations (contexts that cannot be cancelled skip the checks).
func (ev *evaluation) exec(prog cel.Program) (ref.Val, *cel.EvalDetails, error) {
	if ev.ctx.Done() == nil {
		return prog.Eval(ev)
	}
	return prog.ContextEval(ev.ctx, ev)
}

// execFast evaluates an untracked program. Its cost is bounded by the estimate (a few milliseconds at most), so
// the context is checked before it runs rather than during: that spares cel-go's per-evaluation cancellable
// context.
func (ev *evaluation) execFast(prog cel.Program) (ref.Val, error) {
	if err := ev.ctx.Err(); err != nil {
		return nil, err
	}
	val, _, err := prog.Eval(ev)
	return val, err
}

// failureMessage is the messageExpression's value when it evaluates to a usable string (non-blank, one line, at
// most 5 KiB), else the static message. Only an exhausted budget is an error, as in ValidatingAdmissionPolicy.
func (ev *evaluation) failureMessage(e *expression) (string, error) {
	if e.messageProg == nil {
		return e.message, nil
	}
	val, err := ev.run(e.messageProg)
	if errors.Is(err, ErrBudgetExceeded) {
		return "", err
	}
	if err != nil {
		return e.message, nil
	}
	msg, ok := val.Value().(string)
	msg = strings.TrimSpace(msg)
	if !ok || msg == "" || len(msg) > maxMessageBytes || strings.Contains(msg, "\n") {
		return e.message, nil
	}
	return msg, nil
}

// auditAnnotations evaluates the audit annotations; errors and non-string values leave the key out, as Kyverno
// ignores them.
func (ev *evaluation) auditAnnotations() map[string]string {
	var out map[string]string
	for i := range ev.prog.annotations {
		a := &ev.prog.annotations[i]
		val, err := ev.run(&a.prog)
		if err != nil {
			continue
		}
		s, ok := val.Value().(string)
		if s = strings.TrimSpace(s); !ok || s == "" {
			continue
		}
		if out == nil {
			out = make(map[string]string, len(ev.prog.annotations))
		}
		out[a.key] = s
	}
	return out
}
