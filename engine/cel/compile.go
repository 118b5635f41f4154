package cel

import (
	"fmt"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/traits"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apiservercel "k8s.io/apiserver/pkg/cel"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
)

// Program is a compiled `validate.cel` rule. It is immutable and safe for concurrent use.
type Program struct {
	variables   []variable
	varObjType  *types.Type
	expressions []expression
	annotations []annotation
	cost        costModel
	// libs binds the library variables; nil without Kyverno's libraries.
	libs *libBinding
	// pool recycles evaluations (see newEvaluation).
	pool sync.Pool
}

// variable is a compiled entry of `variables`, evaluated lazily as variables.<name>. shareKey is set when its value
// depends on the prepared input alone (see sharedKey).
type variable struct {
	name     string
	prog     program
	shareKey string
}

// expression is a compiled validation with its failure message: messageProg when set, else message (already
// defaulted to the rule's message or "failed expression: ..." at compile time).
type expression struct {
	source      string
	prog        program
	messageProg *program
	message     string
}

// annotation is a compiled audit annotation.
type annotation struct {
	key  string
	prog program
}

// CompileOption adjusts how a rule compiles.
type CompileOption func(*compileOptions)

type compileOptions struct {
	message   string
	namespace string
	field     string // the name of the expressions list in error messages
	params    bool   // declare params (CompileMutations; Compile reads spec.ParamKind)
	// conditions are match conditions compiled with the variables (CompileMutations)
	conditions []admissionregistrationv1.MatchCondition
}

// WithExpressionsField names the list of expressions in error messages: "validations" for a ValidatingPolicy,
// whose list is spec.validations, where a validate.cel rule's is cel.expressions (the default).
func WithExpressionsField(name string) CompileOption {
	return func(o *compileOptions) { o.field = name }
}

// WithMessage sets the rule's `validate.message`, used for expressions that have neither message nor
// messageExpression, as Kyverno does.
func WithMessage(message string) CompileOption {
	return func(o *compileOptions) { o.message = message }
}

// Compile compiles every variable, expression, messageExpression and audit annotation of a rule once. Errors name
// the field (for example `expressions[1].messageExpression`) and carry the CEL error; compilation errors wrap
// ErrCompile.
func (c *Compiler) Compile(spec *v1alpha1.CEL, opts ...CompileOption) (*Program, error) {
	if spec == nil {
		return nil, fmt.Errorf("compile CEL rule: no cel block")
	}
	if len(spec.Expressions) == 0 && len(spec.AuditAnnotations) == 0 {
		return nil, fmt.Errorf("compile CEL rule: expressions: at least one expression or audit annotation is required")
	}
	o := compileOptions{field: "expressions"}
	for _, opt := range opts {
		opt(&o)
	}
	envs, err := c.ruleEnvs(spec.ParamKind != nil, o.namespace)
	if err != nil {
		return nil, err
	}
	p := &Program{libs: envs.libs, varObjType: types.NewTypeValue(variablesTypeName,
		traits.IndexerType|traits.FieldTesterType|traits.IterableType)}
	if p.variables, err = compileVariables(envs, spec.Variables); err != nil {
		return nil, err
	}
	if p.expressions, err = compileExpressions(envs, spec.Expressions, o); err != nil {
		return nil, err
	}
	if p.annotations, err = compileAnnotations(envs, spec.AuditAnnotations); err != nil {
		return nil, err
	}
	p.cost = p.costModel(envs.tracked)
	p.cost.slot = c.modelSlot()
	return p, nil
}

// compileVariables compiles variables in order, declaring each one's type in the rule's variables type once it
// compiles, so later variables and all expressions can use it.
func compileVariables(envs ruleEnvs, vars []admissionregistrationv1.Variable) ([]variable, error) {
	out := make([]variable, 0, len(vars))
	for i, v := range vars {
		if v.Name == "" {
			return nil, fmt.Errorf("variables[%d].name: a name is required", i)
		}
		if _, dup := envs.varType.Fields[v.Name]; dup {
			return nil, fmt.Errorf("variables[%d].name: duplicate variable %q", i, v.Name)
		}
		prog, outType, err := envs.compile(v.Expression, cel.AnyType)
		if err != nil {
			return nil, fmt.Errorf("variables[%d].expression (%s): %w", i, v.Name, err)
		}
		envs.varType.Fields[v.Name] = apiservercel.NewDeclField(v.Name, declTypeOf(outType), true, nil, nil)
		shareKey := sharedKey(prog.ast, v.Expression)
		out = append(out, variable{name: v.Name, prog: prog, shareKey: shareKey})
	}
	return out, nil
}

func compileExpressions(envs ruleEnvs, validations []admissionregistrationv1.Validation, o compileOptions) ([]expression, error) {
	out := make([]expression, len(validations))
	for i, v := range validations {
		prog, _, err := envs.compile(v.Expression, cel.BoolType)
		if err != nil {
			return nil, fmt.Errorf("%s[%d].expression: %w", o.field, i, err)
		}
		out[i] = expression{source: v.Expression, prog: prog, message: defaultMessage(v, o.message)}
		if strings.TrimSpace(v.MessageExpression) == "" {
			continue
		}
		msg, _, err := envs.compile(v.MessageExpression, cel.StringType)
		if err != nil {
			return nil, fmt.Errorf("%s[%d].messageExpression: %w", o.field, i, err)
		}
		out[i].messageProg = &msg
	}
	return out, nil
}

// defaultMessage is the failure message used when there is no messageExpression or it gives no usable text.
func defaultMessage(v admissionregistrationv1.Validation, ruleMessage string) string {
	if m := strings.TrimSpace(v.Message); m != "" {
		return m
	}
	if m := strings.TrimSpace(ruleMessage); m != "" {
		return m
	}
	return "failed expression: " + strings.TrimSpace(v.Expression)
}

func compileAnnotations(envs ruleEnvs, anns []admissionregistrationv1.AuditAnnotation) ([]annotation, error) {
	out := make([]annotation, len(anns))
	for i, a := range anns {
		if a.Key == "" {
			return nil, fmt.Errorf("auditAnnotations[%d].key: a key is required", i)
		}
		prog, _, err := envs.compile(a.ValueExpression, cel.StringType, cel.NullType)
		if err != nil {
			return nil, fmt.Errorf("auditAnnotations[%d].valueExpression: %w", i, err)
		}
		out[i] = annotation{key: a.Key, prog: prog}
	}
	return out, nil
}

// costModel estimates every program of the rule, with the variables inlined where they are used.
func (p *Program) costModel(env *cel.Env) costModel {
	inline := make([]*cel.InlineVariable, 0, len(p.variables))
	asts := make([]*cel.Ast, 0, len(p.variables)+2*len(p.expressions)+len(p.annotations))
	add := func(a *cel.Ast) bool {
		inlined, ok := inlineVariables(env, a, inline)
		asts = append(asts, inlined)
		return ok
	}
	for _, v := range p.variables {
		if !add(v.prog.ast) {
			return costModel{}
		}
		inline = append(inline, cel.NewInlineVariableWithAlias(varVariables+"."+v.name, "@var_"+v.name, asts[len(asts)-1]))
	}
	for _, e := range p.expressions {
		if !add(e.prog.ast) || (e.messageProg != nil && !add(e.messageProg.ast)) {
			return costModel{}
		}
	}
	for _, a := range p.annotations {
		if !add(a.prog.ast) {
			return costModel{}
		}
	}
	return newCostModel(env, asts, len(p.variables), ruleBudget)
}
