package engine

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/mutate"
	"github.com/bylaw-dev/bylaw/engine/variables"
	"github.com/bylaw-dev/bylaw/engine/wildcard"
)

// PatchedTarget is an existing object that a mutate-existing rule changed.
type PatchedTarget struct {
	Rule   string
	Object map[string]any
}

// targetProgram is a compiled mutate.targets entry: which existing objects the rule patches.
type targetProgram struct {
	apiVersion, kind, namespace, name *variables.Template
	selector                          *metav1.LabelSelector
	context                           []contextEntry
	preconditions                     *conditionTree
}

func (e *Engine) compileTargets(list []v1alpha1.TargetResourceSpec) ([]*targetProgram, error) {
	out := make([]*targetProgram, 0, len(list))
	for i := range list {
		t := &list[i]
		p := &targetProgram{selector: t.Selector}
		var err error
		for _, f := range []struct {
			name, src string
			dst       **variables.Template
		}{{"apiVersion", t.APIVersion, &p.apiVersion}, {"kind", t.Kind, &p.kind}, {"namespace", t.Namespace, &p.namespace}, {"name", t.Name, &p.name}} {
			if *f.dst, err = e.vars.Compile(f.src); err != nil {
				return nil, fmt.Errorf("targets[%d].%s: %w", i, f.name, err)
			}
		}
		if t.Kind == "" {
			return nil, fmt.Errorf("targets[%d].kind: required", i)
		}
		if p.context, err = e.compileContext(t.Context); err != nil {
			return nil, fmt.Errorf("targets[%d]: %w", i, err)
		}
		conds, err := t.PreconditionsAnyAll()
		if err == nil {
			p.preconditions, err = e.compileConditions(conds)
		}
		if err != nil {
			return nil, fmt.Errorf("targets[%d].preconditions: %w", i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// mutateTargets applies the rule's patch to every existing object its targets select, each with the object bound
// to `target` in the context; the trigger itself is not changed.
func (e *Engine) mutateTargets(ctx context.Context, r *Rule, in *Input, doc map[string]any, loader Loader) ([]PatchedTarget, RuleResult) {
	if loader == nil {
		return nil, r.errorResult(errors.New("mutate targets: no loader for existing resources"))
	}
	var out []PatchedTarget
	for i, tp := range r.mutate.targets {
		objs, err := tp.fetch(ctx, doc, loader)
		if err != nil {
			return nil, r.errorResult(fmt.Errorf("targets[%d]: %w", i, err))
		}
		for _, obj := range objs {
			patched, err := e.patchTarget(ctx, r, tp, in, doc, obj, loader)
			if err != nil {
				return nil, r.errorResult(fmt.Errorf("targets[%d] %s/%s: %w", i, stringAt(obj, "kind"), nameOfObject(obj), err))
			}
			if patched != nil {
				out = append(out, PatchedTarget{Rule: r.Name, Object: patched})
			}
		}
	}
	if len(out) == 0 {
		return nil, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusSkip, Message: "no target changed"}
	}
	return out, RuleResult{Rule: r.Name, Type: r.Type, Status: StatusPass, Message: fmt.Sprintf("mutated %d target(s)", len(out))}
}

// patchTarget returns the patched target, or nil when its preconditions do not hold or nothing changed.
func (e *Engine) patchTarget(ctx context.Context, r *Rule, tp *targetProgram, in *Input, doc, obj map[string]any, loader Loader) (map[string]any, error) {
	tdoc := cloneDoc(doc)
	tdoc["target"] = obj
	tdoc, err := loadContext(ctx, tp.context, tdoc, in, loader)
	if err != nil {
		return nil, err
	}
	pre, err := tp.preconditions.evaluate(tdoc)
	if err != nil || !pre.held {
		return nil, err
	}
	var patched map[string]any
	if r.mutate.patch.isSet() {
		patched, err = r.mutate.patch.apply(obj, tdoc)
	} else {
		patched, err = e.mutateForeachList(ctx, r.mutate.foreach, in, tdoc, obj, loader, 0)
	}
	if errors.Is(err, mutate.ErrConditionNotMet) || (err == nil && reflect.DeepEqual(patched, obj)) {
		return nil, nil
	}
	return patched, err
}

// fetch returns the existing objects the target selects: one by name, or all of its kind in the namespace that the
// selector and a wildcard name select.
func (tp *targetProgram) fetch(ctx context.Context, doc map[string]any, loader Loader) ([]map[string]any, error) {
	var q ResourceQuery
	for _, f := range []struct {
		tmpl *variables.Template
		dst  *string
	}{{tp.apiVersion, &q.APIVersion}, {tp.kind, &q.Kind}, {tp.namespace, &q.Namespace}, {tp.name, &q.Name}} {
		v, err := f.tmpl.RenderString(doc)
		if err != nil {
			return nil, err
		}
		*f.dst = v
	}
	if q.Name != "" && !wildcard.Has(q.Name) && tp.selector == nil {
		obj, err := loader.Resource(ctx, q)
		if err != nil {
			return nil, err
		}
		return []map[string]any{obj}, nil
	}
	q.Kinds, q.Selector = []string{q.Kind}, tp.selector
	all, err := loader.List(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, obj := range all {
		if q.Name == "" || wildcard.Match(q.Name, nameOfObject(obj)) {
			out = append(out, obj)
		}
	}
	return out, nil
}

func nameOfObject(obj map[string]any) string {
	meta, _ := obj["metadata"].(map[string]any)
	return stringAt(meta, "name")
}
