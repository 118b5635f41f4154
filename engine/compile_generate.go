package engine

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

// generateProgram is a compiled generate rule.
type generateProgram struct {
	synchronize bool
	orphan      bool
	existing    bool
	spec        *generateSpec // nil when the rule only has foreach
	foreach     []*generateForeach
	// gpol, when set, is the rule of a GeneratingPolicy: it selects by matchConstraints and generates with CEL.
	gpol *generatingProgram
}

type generateSpec struct {
	apiVersion, kind, name, namespace *variables.Template
	data                              *variables.Tree
	cloneName, cloneNamespace         *variables.Template
	cloneList                         *cloneListProgram
}

type cloneListProgram struct {
	namespace *variables.Template
	kinds     []string
	selector  *metav1.LabelSelector
}

type generateForeach struct {
	foreachHead
	spec *generateSpec
}

func (e *Engine) compileGenerate(g *v1alpha1.Generation, spec *v1alpha1.Spec) (*generateProgram, error) {
	out := &generateProgram{synchronize: g.Synchronize, orphan: g.OrphanDownstreamOnPolicyDelete,
		existing: generatesExisting(g, spec)}
	var err error
	if hasGeneratePattern(&g.GeneratePattern) {
		if out.spec, err = e.compileGenerateSpec(&g.GeneratePattern); err != nil {
			return nil, err
		}
	}
	for i := range g.ForEach {
		fe, err := e.compileGenerateForeach(&g.ForEach[i])
		if err != nil {
			return nil, fmt.Errorf("foreach[%d]: %w", i, err)
		}
		out.foreach = append(out.foreach, fe)
	}
	if (out.spec == nil) == (len(out.foreach) == 0) {
		return nil, fmt.Errorf("exactly one of data, clone, cloneList or foreach is required")
	}
	return out, nil
}

// generatesExisting reports whether a generate rule also runs for the triggers that existed before its policy, as
// Kyverno decides it: the rule's generate.generateExisting when set (false turns it off for the rule), else the
// spec's generateExisting or its deprecated generateExistingOnPolicyUpdate.
func generatesExisting(g *v1alpha1.Generation, spec *v1alpha1.Spec) bool {
	if g.GenerateExisting != nil {
		return *g.GenerateExisting
	}
	return spec.GenerateExisting || (spec.GenerateExistingOnPolicyUpdate != nil && *spec.GenerateExistingOnPolicyUpdate)
}

func hasGeneratePattern(p *v1alpha1.GeneratePattern) bool {
	return p.Data != nil || p.Clone.Name != "" || len(p.CloneList.Kinds) > 0
}

func (e *Engine) compileGenerateForeach(f *v1alpha1.ForEachGeneration) (*generateForeach, error) {
	head, err := e.compileForeachHead(f.List, f.Context, f.Preconditions)
	if err != nil {
		return nil, err
	}
	out := &generateForeach{foreachHead: head}
	if out.spec, err = e.compileGenerateSpec(&f.GeneratePattern); err != nil {
		return nil, err
	}
	return out, nil
}

func (e *Engine) compileGenerateSpec(p *v1alpha1.GeneratePattern) (*generateSpec, error) {
	kinds := boolToInt(p.Data != nil) + boolToInt(p.Clone.Name != "") + boolToInt(len(p.CloneList.Kinds) > 0)
	if kinds != 1 {
		return nil, fmt.Errorf("exactly one of data, clone, cloneList is required")
	}
	out := &generateSpec{}
	fields := []struct {
		name string
		src  string
		dst  **variables.Template
	}{
		{"apiVersion", p.APIVersion, &out.apiVersion}, {"kind", p.Kind, &out.kind}, {"name", p.Name, &out.name},
		{"namespace", p.Namespace, &out.namespace}, {"clone.name", p.Clone.Name, &out.cloneName},
		{"clone.namespace", p.Clone.Namespace, &out.cloneNamespace},
	}
	var err error
	for _, f := range fields {
		if *f.dst, err = e.vars.Compile(f.src); err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
	}
	if p.Data != nil {
		if out.data, err = e.compileTreeJSON(p.Data); err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
	}
	if len(p.CloneList.Kinds) > 0 {
		ns, err := e.vars.Compile(p.CloneList.Namespace)
		if err != nil {
			return nil, fmt.Errorf("cloneList.namespace: %w", err)
		}
		out.cloneList = &cloneListProgram{namespace: ns, kinds: p.CloneList.Kinds, selector: p.CloneList.Selector}
	}
	return out, nil
}
