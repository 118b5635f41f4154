package cel

import (
	"context"
	"fmt"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/traits"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/engine/cel/lib"
	"github.com/bylaw-dev/bylaw/engine/cel/lib/generator"
	"github.com/bylaw-dev/bylaw/engine/cel/template"
)

// MaxGenerated bounds the objects one evaluation of a GeneratingPolicy may generate.
const MaxGenerated = 1000

// Generations is the compiled body of a GeneratingPolicy: its variables and generate entries. It is immutable and
// safe for concurrent use.
type Generations struct {
	prog      *Program // the variables
	entries   []generation
	namespace string
}

// generation is one compiled generate entry: an expression, or a template with its placeholders' programs.
type generation struct {
	expr  *program
	tree  *template.Tree
	holes []program
}

// CompileGenerations compiles the variables and generate entries of a GeneratingPolicy (WithNamespace for a
// NamespacedGeneratingPolicy). Errors name the field (`generate[1].template.value`) and wrap ErrCompile for CEL
// compilation failures.
func (c *Compiler) CompileGenerations(vars []admissionregistrationv1.Variable, gens []policiesv1.Generation,
	opts ...CompileOption) (*Generations, error) {
	if c.libs == nil {
		return nil, fmt.Errorf("compile generate: a compiler WithKyvernoLibraries is required")
	}
	if len(gens) == 0 {
		return nil, fmt.Errorf("generate: at least one entry is required")
	}
	var o compileOptions
	for _, opt := range opts {
		opt(&o)
	}
	envs, err := c.ruleEnvs(false, o.namespace)
	if err != nil {
		return nil, err
	}
	p := &Program{libs: envs.libs, varObjType: types.NewTypeValue(variablesTypeName,
		traits.IndexerType|traits.FieldTesterType|traits.IterableType)}
	if p.variables, err = compileVariables(envs, vars); err != nil {
		return nil, err
	}
	g := &Generations{prog: p, namespace: o.namespace}
	for i, gen := range gens {
		e, err := compileGeneration(envs, gen)
		if err != nil {
			return nil, fmt.Errorf("generate[%d].%w", i, err)
		}
		g.entries = append(g.entries, e)
	}
	return g, nil
}

func compileGeneration(envs ruleEnvs, gen policiesv1.Generation) (generation, error) {
	switch {
	case gen.Expression != "" && gen.Template != nil:
		return generation{}, fmt.Errorf("expression: only one of expression or template may be set")
	case gen.Expression != "":
		prog, _, err := envs.compile(gen.Expression, cel.AnyType)
		if err != nil {
			return generation{}, fmt.Errorf("expression: %w", err)
		}
		return generation{expr: &prog}, nil
	case gen.Template != nil:
		return compileTemplate(envs, gen.Template)
	}
	return generation{}, fmt.Errorf("expression: one of expression or template must be set")
}

func compileTemplate(envs ruleEnvs, t *policiesv1.GenerationTemplate) (generation, error) {
	switch t.Interpolate {
	case "", policiesv1.InterpolationModeNone, policiesv1.InterpolationModeCEL:
	default:
		return generation{}, fmt.Errorf("template.interpolate: %q is not none or cel", t.Interpolate)
	}
	tree, err := template.Parse(t.Value, t.Interpolate == policiesv1.InterpolationModeCEL)
	if err != nil {
		return generation{}, fmt.Errorf("template.value: %w", err)
	}
	g := generation{tree: tree}
	for _, expr := range tree.Expressions() {
		prog, _, err := envs.compile(expr, cel.AnyType)
		if err != nil {
			return generation{}, fmt.Errorf("template.value: placeholder %q: %w", expr, err)
		}
		g.holes = append(g.holes, prog)
	}
	return g, nil
}

// Evaluate runs the generate entries in order on in and returns the objects they generate, each with its
// namespace set. The engine writes nothing: the objects are intents for the generate controller. The entries share
// one cost budget; an error names the entry.
func (g *Generations) Evaluate(ctx context.Context, in Input) ([]map[string]any, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("evaluation cancelled: %w", err)
	}
	ev := g.prog.newEvaluation(ctx, in)
	defer g.prog.release(ev)
	rec := &generator.Recorder{Namespace: g.namespace, Max: MaxGenerated}
	ev.generated = rec
	for i := range g.entries {
		if err := ev.generate(&g.entries[i], rec); err != nil {
			return nil, fmt.Errorf("generate[%d]: %w", i, err)
		}
	}
	out := make([]map[string]any, 0, len(rec.Intents()))
	for _, it := range rec.Intents() {
		out = append(out, it.Object)
	}
	return out, nil
}

// generate runs one entry: an expression records through generator.Apply; a template's documents are recorded in
// their own namespace (the policy's, for a namespaced policy, when they name none).
func (ev *evaluation) generate(e *generation, rec *generator.Recorder) error {
	if e.expr != nil {
		_, err := ev.run(e.expr)
		return err
	}
	objs, err := e.tree.Render(func(i int) (any, error) {
		val, err := ev.run(&e.holes[i])
		if err != nil {
			return nil, fmt.Errorf("placeholder %q: %w", e.tree.Expressions()[i], err)
		}
		return lib.ToJSON(val)
	})
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	for _, o := range objs {
		meta, _ := o["metadata"].(map[string]any)
		ns, _ := meta["namespace"].(string)
		if err := rec.Record(ns, ns != "", []map[string]any{o}); err != nil {
			return fmt.Errorf("template: %w", err)
		}
	}
	return nil
}
