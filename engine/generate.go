package engine

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/engine/generate"
)

// Generated is one object a generate rule asks for.
type Generated struct {
	Rule   string
	Object map[string]any
	// Synchronize keeps the object in line with the rule and re-creates it when deleted.
	Synchronize bool
	// OrphanOnPolicyDelete leaves the object in place when the policy goes.
	OrphanOnPolicyDelete bool
}

// GenerateResult holds the results of the generate rules of a policy on a trigger resource.
type GenerateResult struct {
	Policy  *Policy
	Rules   []RuleResult
	Objects []Generated
}

// ResourceQuery asks the loader for existing objects: one by name, or a list by kinds and label selector.
type ResourceQuery struct {
	APIVersion string // optional with Kinds
	Kind       string
	Namespace  string
	Name       string
	Kinds      []string
	Selector   *metav1.LabelSelector
}

// Generate evaluates the generate rules of p on the trigger resource and returns the objects they ask for.
func (e *Engine) Generate(ctx context.Context, p *Policy, in *Input, opts EvalOptions) GenerateResult {
	res := GenerateResult{Policy: p}
	if p.Namespace != "" && p.Namespace != in.resource.Namespace {
		return res
	}
	loader := p.loaderFor(opts.Loader)
	for _, r := range p.Rules {
		if r.generate == nil || !r.Selects(in) {
			continue
		}
		var objs []map[string]any
		var rr RuleResult
		if r.generate.gpol != nil {
			var applied bool
			if objs, rr, applied = e.generateCEL(ctx, p, r, in, opts, loader); !applied {
				continue
			}
		} else {
			objs, rr = e.generateRule(ctx, r, in, loader)
		}
		if err := p.checkGenerated(objs); err != nil {
			objs, rr = nil, r.errorResult(err)
		}
		res.Rules = append(res.Rules, rr)
		for _, o := range objs {
			res.Objects = append(res.Objects, Generated{Rule: r.Name, Object: o,
				Synchronize: r.generate.synchronize, OrphanOnPolicyDelete: r.generate.orphan})
		}
	}
	return res
}

// checkGenerated checks, after variables are substituted, that every object a rule of p generates is in p's
// namespace when p is a namespaced Policy (the loader already confined its clone sources).
func (p *Policy) checkGenerated(objs []map[string]any) error {
	for _, o := range objs {
		meta, _ := o["metadata"].(map[string]any)
		if err := p.CheckNamespace("generate.namespace", stringAt(meta, "namespace")); err != nil {
			return err
		}
	}
	return nil
}

func (e *Engine) generateRule(ctx context.Context, r *Rule, in *Input, loader Loader) ([]map[string]any, RuleResult) {
	doc, stop := r.prepare(ctx, in, loader)
	if stop != nil {
		return nil, *stop
	}
	g := r.generate
	var objs []map[string]any
	var err error
	if g.spec != nil {
		if objs, err = g.spec.build(ctx, doc, loader); err != nil {
			return nil, r.errorResult(err)
		}
	}
	for i, fe := range g.foreach {
		more, err := e.generateForeach(ctx, fe, in, doc, loader)
		if err != nil {
			return nil, r.errorResult(fmt.Errorf("foreach[%d]: %w", i, err))
		}
		objs = append(objs, more...)
	}
	msg := fmt.Sprintf("generated %d object(s)", len(objs))
	return objs, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusPass, Message: msg}
}

func (e *Engine) generateForeach(ctx context.Context, fe *generateForeach, in *Input, doc map[string]any, loader Loader) ([]map[string]any, error) {
	elements, err := foreachElements(fe.list, doc)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for idx, el := range elements {
		edoc, err := loadContext(ctx, fe.context, withElement(doc, el, idx, 0), in, loader)
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
		objs, err := fe.spec.build(ctx, edoc, loader)
		if err != nil {
			return nil, fmt.Errorf("element %d: %w", idx, err)
		}
		out = append(out, objs...)
	}
	return out, nil
}

// build renders the spec in doc and builds its objects, fetching clone sources through the loader.
func (s *generateSpec) build(ctx context.Context, doc map[string]any, loader Loader) ([]map[string]any, error) {
	t, err := s.target(doc)
	if err != nil {
		return nil, err
	}
	switch {
	case s.data != nil:
		data, err := s.data.Render(doc)
		if err != nil {
			return nil, fmt.Errorf("data: %w", err)
		}
		obj, err := generate.FromData(t, data)
		return []map[string]any{obj}, err
	case s.cloneList != nil:
		return s.buildCloneList(ctx, t, doc, loader)
	}
	return s.buildClone(ctx, t, doc, loader)
}

func (s *generateSpec) target(doc map[string]any) (generate.Target, error) {
	var t generate.Target
	for _, f := range []struct {
		name string
		tmpl interface{ RenderString(any) (string, error) }
		dst  *string
	}{{"apiVersion", s.apiVersion, &t.APIVersion}, {"kind", s.kind, &t.Kind}, {"name", s.name, &t.Name}, {"namespace", s.namespace, &t.Namespace}} {
		v, err := f.tmpl.RenderString(doc)
		if err != nil {
			return t, fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = v
	}
	return t, nil
}

func (s *generateSpec) buildClone(ctx context.Context, t generate.Target, doc map[string]any, loader Loader) ([]map[string]any, error) {
	name, err := s.cloneName.RenderString(doc)
	if err != nil {
		return nil, fmt.Errorf("clone.name: %w", err)
	}
	ns, err := s.cloneNamespace.RenderString(doc)
	if err != nil {
		return nil, fmt.Errorf("clone.namespace: %w", err)
	}
	if loader == nil {
		return nil, fmt.Errorf("clone source %s %s/%s: no loader for existing resources", t.Kind, ns, name)
	}
	src, err := loader.Resource(ctx, ResourceQuery{APIVersion: t.APIVersion, Kind: t.Kind, Namespace: ns, Name: name})
	if err != nil {
		return nil, fmt.Errorf("clone source %s %s/%s: %w", t.Kind, ns, name, err)
	}
	obj, err := generate.Clone(t, src)
	if err != nil {
		return nil, err
	}
	return []map[string]any{obj}, nil
}

func (s *generateSpec) buildCloneList(ctx context.Context, t generate.Target, doc map[string]any, loader Loader) ([]map[string]any, error) {
	ns, err := s.cloneList.namespace.RenderString(doc)
	if err != nil {
		return nil, fmt.Errorf("cloneList.namespace: %w", err)
	}
	if loader == nil {
		return nil, fmt.Errorf("cloneList sources in %s: no loader for existing resources", ns)
	}
	srcs, err := loader.List(ctx, ResourceQuery{Namespace: ns, Kinds: s.cloneList.kinds, Selector: s.cloneList.selector})
	if err != nil {
		return nil, fmt.Errorf("cloneList sources in %s: %w", ns, err)
	}
	out := make([]map[string]any, 0, len(srcs))
	for _, src := range srcs {
		obj, err := generate.Clone(generate.Target{Namespace: t.Namespace}, src)
		if err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}
