package engine

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// GenerateRule describes a compiled generate rule for the controller that keeps its downstream objects: which kinds it
// generates, where it clones from and how its objects are kept.
type GenerateRule struct {
	Name string
	// Synchronize keeps the rule's objects in line with it: re-created when deleted, reverted when changed, deleted
	// with their trigger.
	Synchronize bool
	// OrphanOnPolicyDelete leaves the rule's objects in place when the policy or the rule goes.
	OrphanOnPolicyDelete bool
	// GenerateExisting runs the rule for the triggers that existed before the policy: the rule's
	// generate.generateExisting when set, else the policy's spec.generateExisting (or the deprecated
	// spec.generateExistingOnPolicyUpdate).
	GenerateExisting bool
	// Targets are the apiVersion and kind of the objects the rule generates, as written: they may hold variables.
	Targets []GenerateTarget
	// CloneSources are the objects the rule copies (clone, and each kind of cloneList), including those of its
	// foreach entries.
	CloneSources []CloneSource
}

// GenerateTarget is the apiVersion and kind of generated objects.
type GenerateTarget struct {
	APIVersion string
	Kind       string
}

// CloneSource is where a clone or cloneList copies from, as written.
type CloneSource struct {
	// APIVersion is empty for a cloneList kind written without one ("ConfigMap").
	APIVersion string
	Kind       string
	Namespace  string
	// Resource is set instead of Kind for an object a GeneratingPolicy reads with resource.Get: the plural resource
	// name, which the controller maps to its kind.
	Resource string
	// Name is the source of a clone; empty for a cloneList, whose sources are the objects Selector selects (all the
	// objects of the kind in Namespace when Selector is nil).
	Name     string
	Selector *metav1.LabelSelector
	// HasVariables is true when the apiVersion, kind, namespace or name holds variables: the source is known only for
	// a given trigger.
	HasVariables bool
}

// GenerateRules returns the generate rules of p, in order.
func (p *Policy) GenerateRules() []GenerateRule {
	var out []GenerateRule
	for _, r := range p.Rules {
		g := r.generate
		if g == nil {
			continue
		}
		gr := GenerateRule{Name: r.Name, Synchronize: g.synchronize, OrphanOnPolicyDelete: g.orphan,
			GenerateExisting: g.existing}
		if g.gpol != nil {
			gr.Targets, gr.CloneSources = g.gpol.targets(), g.gpol.sources()
		}
		specs := []*generateSpec{g.spec}
		for _, fe := range g.foreach {
			specs = append(specs, fe.spec)
		}
		for _, s := range specs {
			if s != nil {
				gr.Targets = append(gr.Targets, s.targets()...)
				gr.CloneSources = append(gr.CloneSources, s.cloneSources()...)
			}
		}
		out = append(out, gr)
	}
	return out
}

// GenerateExistingRules returns the generate rules of p that also run for the triggers that existed before the policy
// (generateExisting), in order: the generate controller lists the kinds of their Scope and records a request for each
// object they select.
func (p *Policy) GenerateExistingRules() []*Rule {
	var out []*Rule
	for _, r := range p.Rules {
		if r.generate != nil && r.generate.existing {
			out = append(out, r)
		}
	}
	return out
}

// Mutates reports whether p has mutate rules (on the request's object or on existing targets): the CLI applies such
// policies first, in order, as the Kyverno CLI does.
func (p *Policy) Mutates() bool { return p.hasMutate }

// HasGenerate reports whether p has generate rules.
func (p *Policy) HasGenerate() bool { return p.hasGenerate }

// IsMutateExisting reports whether r is a mutate rule that patches existing objects (mutate.targets) rather than its
// trigger.
func (r *Rule) IsMutateExisting() bool {
	return r.mutate != nil && len(r.mutate.targets) > 0 || r.mpol != nil && r.mpol.existing != nil
}

// targets returns the kinds a spec generates: its apiVersion and kind, or each kind of its cloneList ("v1/ConfigMap").
func (s *generateSpec) targets() []GenerateTarget {
	if s.cloneList == nil {
		return []GenerateTarget{{APIVersion: s.apiVersion.String(), Kind: s.kind.String()}}
	}
	out := make([]GenerateTarget, 0, len(s.cloneList.kinds))
	for _, k := range s.cloneList.kinds {
		apiVersion, kind := splitKind(k)
		out = append(out, GenerateTarget{APIVersion: apiVersion, Kind: kind})
	}
	return out
}

// cloneSources returns the sources a spec copies: none for data, one for clone, one per kind for cloneList.
func (s *generateSpec) cloneSources() []CloneSource {
	switch {
	case s.cloneList != nil:
		ns := s.cloneList.namespace
		out := make([]CloneSource, 0, len(s.cloneList.kinds))
		for _, k := range s.cloneList.kinds {
			apiVersion, kind := splitKind(k)
			out = append(out, CloneSource{APIVersion: apiVersion, Kind: kind, Namespace: ns.String(),
				Selector: s.cloneList.selector.DeepCopy(), HasVariables: !ns.IsConstant() || strings.Contains(k, "{{")})
		}
		return out
	case s.cloneName != nil && s.cloneName.String() != "":
		constant := s.apiVersion.IsConstant() && s.kind.IsConstant() && s.cloneNamespace.IsConstant() &&
			s.cloneName.IsConstant()
		return []CloneSource{{APIVersion: s.apiVersion.String(), Kind: s.kind.String(),
			Namespace: s.cloneNamespace.String(), Name: s.cloneName.String(), HasVariables: !constant}}
	}
	return nil
}

// splitKind splits a cloneList kind, "group/version/Kind", "v1/Kind" or "Kind", into apiVersion and kind.
func splitKind(k string) (apiVersion, kind string) {
	if i := strings.LastIndex(k, "/"); i >= 0 {
		return k[:i], k[i+1:]
	}
	return "", k
}
