package engine

import "strings"

// GenerateRule describes a compiled generate rule for the controller that keeps its downstream objects: which kinds it
// generates and how its objects are kept.
type GenerateRule struct {
	Name string
	// Synchronize keeps the rule's objects in line with it: re-created when deleted, reverted when changed, deleted
	// with their trigger.
	Synchronize bool
	// OrphanOnPolicyDelete leaves the rule's objects in place when the policy or the rule goes.
	OrphanOnPolicyDelete bool
	// Targets are the apiVersion and kind of the objects the rule generates, as written: they may hold variables.
	Targets []GenerateTarget
}

// GenerateTarget is the apiVersion and kind of generated objects.
type GenerateTarget struct {
	APIVersion string
	Kind       string
}

// GenerateRules returns the generate rules of p, in order.
func (p *Policy) GenerateRules() []GenerateRule {
	var out []GenerateRule
	for _, r := range p.Rules {
		g := r.generate
		if g == nil {
			continue
		}
		gr := GenerateRule{Name: r.Name, Synchronize: g.synchronize, OrphanOnPolicyDelete: g.orphan}
		specs := []*generateSpec{g.spec}
		for _, fe := range g.foreach {
			specs = append(specs, fe.spec)
		}
		for _, s := range specs {
			if s != nil {
				gr.Targets = append(gr.Targets, s.targets()...)
			}
		}
		out = append(out, gr)
	}
	return out
}

// HasGenerate reports whether p has generate rules.
func (p *Policy) HasGenerate() bool { return p.hasGenerate }

// IsMutateExisting reports whether r is a mutate rule that patches existing objects (mutate.targets) rather than its
// trigger.
func (r *Rule) IsMutateExisting() bool { return r.mutate != nil && len(r.mutate.targets) > 0 }

// targets returns the kinds a spec generates: its apiVersion and kind, or each kind of its cloneList ("v1/ConfigMap").
func (s *generateSpec) targets() []GenerateTarget {
	if s.cloneList == nil {
		return []GenerateTarget{{APIVersion: s.apiVersion.String(), Kind: s.kind.String()}}
	}
	out := make([]GenerateTarget, 0, len(s.cloneList.kinds))
	for _, k := range s.cloneList.kinds {
		t := GenerateTarget{Kind: k}
		if i := strings.LastIndex(k, "/"); i >= 0 {
			t.APIVersion, t.Kind = k[:i], k[i+1:]
		}
		out = append(out, t)
	}
	return out
}
