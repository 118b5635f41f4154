package engine

import (
	"fmt"
	"strings"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

// mutateProgram is a compiled mutate rule: a strategic-merge overlay, a JSON patch, or foreach declarations.
type mutateProgram struct {
	patch   patchProgram
	foreach []*mutateForeach
	// targets, when set, make this a mutate-existing rule: the patch applies to the objects they select.
	targets []*targetProgram
}

// patchProgram is one patch: an overlay tree or an RFC 6902 patch text, either may hold variables.
type patchProgram struct {
	overlay   *variables.Tree
	jsonPatch *variables.Template
}

func (p patchProgram) isSet() bool { return p.overlay != nil || p.jsonPatch != nil }

type mutateForeach struct {
	foreachHead
	descending bool
	patch      patchProgram
	nested     []*mutateForeach
}

func (e *Engine) compileMutate(m *v1alpha1.Mutation) (*mutateProgram, error) {
	out := &mutateProgram{}
	var err error
	if out.patch, err = e.compilePatch(m.PatchStrategicMerge, m.PatchesJSON6902); err != nil {
		return nil, err
	}
	if out.foreach, err = e.compileMutateForeachList(m.ForEach); err != nil {
		return nil, err
	}
	if out.targets, err = e.compileTargets(m.Targets); err != nil {
		return nil, err
	}
	if out.patch.isSet() == (len(out.foreach) > 0) {
		return nil, fmt.Errorf("exactly one of patchStrategicMerge, patchesJson6902, foreach is required")
	}
	return out, nil
}

func (e *Engine) compilePatch(overlay *apiextv1.JSON, jsonPatch string) (patchProgram, error) {
	var p patchProgram
	var err error
	if overlay != nil {
		if p.overlay, err = e.compileTreeJSON(overlay); err != nil {
			return p, fmt.Errorf("patchStrategicMerge: %w", err)
		}
		if _, isObject := p.overlay.Source().(map[string]any); !isObject {
			return p, fmt.Errorf("patchStrategicMerge: must be an object")
		}
	}
	if strings.TrimSpace(jsonPatch) != "" {
		if p.overlay != nil {
			return p, fmt.Errorf("only one of patchStrategicMerge and patchesJson6902 is allowed")
		}
		if p.jsonPatch, err = e.vars.Compile(jsonPatch); err != nil {
			return p, fmt.Errorf("patchesJson6902: %w", err)
		}
	}
	return p, nil
}

func (e *Engine) compileMutateForeachList(list []v1alpha1.ForEachMutation) ([]*mutateForeach, error) {
	out := make([]*mutateForeach, 0, len(list))
	for i := range list {
		fe, err := e.compileMutateForeach(&list[i])
		if err != nil {
			return nil, fmt.Errorf("foreach[%d]: %w", i, err)
		}
		out = append(out, fe)
	}
	return out, nil
}

func (e *Engine) compileMutateForeach(f *v1alpha1.ForEachMutation) (*mutateForeach, error) {
	head, err := e.compileForeachHead(f.List, f.Context, f.Preconditions)
	if err != nil {
		return nil, err
	}
	out := &mutateForeach{foreachHead: head}
	if out.patch, err = e.compilePatch(f.PatchStrategicMerge, f.PatchesJSON6902); err != nil {
		return nil, err
	}
	if out.nested, err = e.compileMutateForeachList(f.ForEach); err != nil {
		return nil, err
	}
	// As in Kyverno, strategic-merge patches walk the list backwards unless told otherwise: each merge moves the
	// patched element to the front, so walking backwards keeps the list in its order.
	out.descending = out.patch.overlay != nil
	if f.Order != nil {
		out.descending = *f.Order == v1alpha1.Descending
	}
	if out.patch.isSet() == (len(out.nested) > 0) {
		return nil, fmt.Errorf("exactly one of patchStrategicMerge, patchesJson6902, foreach is required")
	}
	return out, nil
}
