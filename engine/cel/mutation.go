package cel

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/traits"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apiserver/pkg/cel/common"
	"k8s.io/apiserver/pkg/cel/library"
	"k8s.io/apiserver/pkg/cel/mutation"
)

// PatchType is how a mutation's expression changes the object.
type PatchType string

// The patch types of MutatingPolicy and MutatingAdmissionPolicy mutations.
const (
	// PatchTypeApplyConfiguration: the expression builds an `Object{...}` merged into the object as server-side
	// apply merges.
	PatchTypeApplyConfiguration PatchType = "ApplyConfiguration"
	// PatchTypeJSONPatch: the expression builds a list of `JSONPatch{...}` RFC 6902 operations.
	PatchTypeJSONPatch PatchType = "JSONPatch"
)

// Mutation is one mutation to compile: its patch type and its CEL expression.
type Mutation struct {
	Type       PatchType
	Expression string
}

// MutationProgram is a compiled list of mutations with the variables they share. It is immutable and safe for
// concurrent use.
type MutationProgram struct {
	// prog holds the variables and, as its expressions, the mutations' expressions (so that the cost model and
	// the evaluation machinery of validation rules serve mutations unchanged).
	prog  *Program
	types []PatchType
	// conds are the match conditions compiled WithMatchConditions: expressions of prog after the mutations.
	conds []precondition
}

// WithMatchConditions compiles match conditions with the mutations (CompileMutations), so that they may read the
// variables, as a MutatingPolicy's may in Kyverno; [MutationProgram.Match] evaluates them.
func WithMatchConditions(conds []admissionregistrationv1.MatchCondition) CompileOption {
	return func(o *compileOptions) { o.conditions = conds }
}

// WithParams declares `params` for the rule (a MutatingAdmissionPolicy with a paramKind); [Input.Params] binds it.
func WithParams() CompileOption { return func(o *compileOptions) { o.params = true } }

// patchTypeOptions are the environment options of mutation expressions: the `Object` and `JSONPatch` types of
// mutation expressions (see patchTypes) and the `jsonpatch.escapeKey` function.
func patchTypeOptions() []cel.EnvOption {
	return []cel.EnvOption{common.ResolverEnvOption(patchTypes{}), library.JSONPatch()}
}

// CompileMutations compiles the variables and the mutations of a MutatingPolicy (or MutatingAdmissionPolicy)
// once, in the environment of Kyverno's CEL policies with the `Object`, `JSONPatch` types and
// `jsonpatch.escapeKey`. An ApplyConfiguration expression must evaluate to an `Object`, a JSONPatch expression to a
// list of `JSONPatch`. Errors name the field (`mutations[1].applyConfiguration.expression`,
// `variables[0].expression (name)`) and wrap ErrCompile for syntax and type errors. WithNamespace and WithParams
// apply as for Compile.
func (c *Compiler) CompileMutations(vars []admissionregistrationv1.Variable, muts []Mutation, opts ...CompileOption) (*MutationProgram, error) {
	if len(muts) == 0 {
		return nil, errors.New("mutations: at least one mutation is required")
	}
	var o compileOptions
	for _, opt := range opts {
		opt(&o)
	}
	envs, err := c.ruleEnvsWith(o.params, o.namespace, patchTypeOptions)
	if err != nil {
		return nil, err
	}
	p := &Program{libs: envs.libs, varObjType: types.NewTypeValue(variablesTypeName,
		traits.IndexerType|traits.FieldTesterType|traits.IterableType)}
	if p.variables, err = compileVariables(envs, vars); err != nil {
		return nil, err
	}
	mp := &MutationProgram{prog: p, types: make([]PatchType, len(muts))}
	for i, m := range muts {
		prog, err := compileMutation(envs, m)
		if err != nil {
			return nil, fmt.Errorf("mutations[%d].%s.expression: %w", i, fieldOfPatchType(m.Type), err)
		}
		p.expressions = append(p.expressions, expression{source: strings.TrimSpace(m.Expression), prog: prog})
		mp.types[i] = m.Type
	}
	if mp.conds, err = compileMatchConditions(envs, o.conditions); err != nil {
		return nil, err
	}
	for _, c := range mp.conds {
		p.expressions = append(p.expressions, expression{source: c.source, prog: c.prog})
	}
	p.cost = p.costModel(envs.tracked)
	p.cost.slot = c.modelSlot()
	return mp, nil
}

// compileMutation compiles one mutation's expression with the return type its patch type requires.
func compileMutation(envs ruleEnvs, m Mutation) (program, error) {
	if strings.TrimSpace(m.Expression) == "" {
		return program{}, errors.New("an expression is required")
	}
	var want *cel.Type
	switch m.Type {
	case PatchTypeApplyConfiguration:
		want = types.NewObjectType(mutation.ObjectTypeName)
	case PatchTypeJSONPatch:
		want = cel.ListType(types.NewObjectType(mutation.JSONPatchTypeName))
	default:
		return program{}, fmt.Errorf("patchType %q is not ApplyConfiguration or JSONPatch", m.Type)
	}
	prog, _, err := envs.compile(m.Expression, want)
	return prog, err
}

// fieldOfPatchType is the field of a mutation that holds the expression of patch type t.
func fieldOfPatchType(t PatchType) string {
	if t == PatchTypeJSONPatch {
		return "jsonPatch"
	}
	return "applyConfiguration"
}

// Len returns the number of mutations.
func (p *MutationProgram) Len() int { return len(p.types) }

// Type returns the patch type of mutation i.
func (p *MutationProgram) Type(i int) PatchType { return p.types[i] }

// Evaluate runs mutation i on in and returns the patch it built; variables are evaluated lazily, afresh for each
// call (each mutation sees the object the previous ones left, through in.Object). Errors name the mutation
// (`mutations[1]: ...`), including a cost limit exceeded or a cancelled context.
func (p *MutationProgram) Evaluate(ctx context.Context, i int, in Input) (Patch, error) {
	if err := ctx.Err(); err != nil {
		return Patch{}, fmt.Errorf("mutations[%d]: evaluation cancelled: %w", i, err)
	}
	ev := p.prog.newEvaluation(ctx, in)
	defer p.prog.release(ev)
	ev.fast = p.prog.cost.allows(&ev.in)
	e := &p.prog.expressions[i]
	val, err := ev.run(&e.prog)
	if err != nil {
		return Patch{}, fmt.Errorf("mutations[%d]: expression '%s' resulted in error: %w", i, e.source, err)
	}
	patch, err := patchOf(p.types[i], val)
	if err != nil {
		return Patch{}, fmt.Errorf("mutations[%d]: %w", i, err)
	}
	return patch, nil
}

// WithObject returns a copy of in whose object is obj, for the next mutation of a list: values a prepared Input
// cached are dropped (Request and NamespaceObject stay as they are, deferred or not).
func (in Input) WithObject(obj map[string]any) Input {
	in.Object, in.prepared = obj, nil
	return in
}

// compileMatchConditions compiles match conditions as boolean expressions that may read the variables.
func compileMatchConditions(envs ruleEnvs, conds []admissionregistrationv1.MatchCondition) ([]precondition, error) {
	out := make([]precondition, len(conds))
	for i, mc := range conds {
		prog, _, err := envs.compile(mc.Expression, cel.BoolType)
		if err != nil {
			return nil, fmt.Errorf("matchConditions[%d] (%s).expression: %w", i, mc.Name, err)
		}
		out[i] = precondition{name: mc.Name, source: strings.TrimSpace(mc.Expression), prog: prog}
	}
	return out, nil
}

// Match evaluates the match conditions compiled WithMatchConditions (true when there are none) with the semantics
// of admission match conditions: a condition that is false means no match, even when another fails to evaluate;
// otherwise any evaluation error is returned, naming the condition.
func (p *MutationProgram) Match(ctx context.Context, in Input) (bool, error) {
	if len(p.conds) == 0 {
		return true, nil
	}
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("matchConditions: evaluation cancelled: %w", err)
	}
	ev := p.prog.newEvaluation(ctx, in)
	defer p.prog.release(ev)
	ev.budget = preconditionsBudget
	ev.fast = p.prog.cost.allows(&ev.in)
	var errs []error
	for i := range p.conds {
		c := &p.conds[i]
		val, err := ev.run(&c.prog)
		if errors.Is(err, ErrBudgetExceeded) {
			return false, fmt.Errorf("matchConditions[%d] (%s): %w", i, c.name, err)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("matchConditions[%d] (%s): expression '%s' resulted in error: %w", i, c.name, c.source, err))
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
