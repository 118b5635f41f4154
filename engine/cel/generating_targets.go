package cel

import (
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
)

// Target is the apiVersion and kind of objects a GeneratingPolicy may generate.
type Target struct {
	APIVersion string
	Kind       string
}

// Targets returns the kinds the generate entries visibly generate: every object literal of the variables and
// expressions whose apiVersion and kind are string constants (dyn("v1") counts), and every template document with
// a literal apiVersion and kind. Objects built otherwise (copied with resource.Get, or with computed kinds) are
// known only once generated. The generate controller watches these kinds for synchronisation.
func (g *Generations) Targets() []Target {
	seen := map[Target]bool{}
	var out []Target
	add := func(t Target) {
		if t.APIVersion != "" && t.Kind != "" && !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	for _, v := range g.prog.variables {
		literalTargets(v.prog.ast.NativeRep(), add)
	}
	for _, e := range g.entries {
		if e.expr != nil {
			literalTargets(e.expr.ast.NativeRep(), add)
			continue
		}
		for _, t := range e.tree.LiteralKinds() {
			add(Target{APIVersion: t[0], Kind: t[1]})
		}
	}
	return out
}

// literalTargets calls add for every map literal of a with constant apiVersion and kind.
func literalTargets(a *ast.AST, add func(Target)) {
	for _, m := range ast.MatchDescendants(ast.NavigateAST(a), ast.KindMatcher(ast.MapKind)) {
		var t Target
		for _, en := range m.AsMap().Entries() {
			e := en.AsMapEntry()
			switch constString(e.Key()) {
			case "apiVersion":
				t.APIVersion = constString(e.Value())
			case "kind":
				t.Kind = constString(e.Value())
			}
		}
		add(t)
	}
}

// constString returns the value of a string literal, or of dyn() of one; "" otherwise.
func constString(e ast.Expr) string {
	if e.Kind() == ast.CallKind && e.AsCall().FunctionName() == "dyn" && len(e.AsCall().Args()) == 1 {
		e = e.AsCall().Args()[0]
	}
	if e.Kind() != ast.LiteralKind {
		return ""
	}
	if s, ok := e.AsLiteral().(types.String); ok {
		return string(s)
	}
	return ""
}

// Source is an object a GeneratingPolicy reads with resource.Get with constant arguments: its copies follow it
// when the policy synchronizes. Namespace is the policy's for a namespaced policy.
type Source struct {
	APIVersion string
	Resource   string // plural, as resource.Get names it
	Namespace  string
	Name       string
}

// Sources returns the objects the variables and expressions read with resource.Get(apiVersion, resource,
// namespace, name) (a namespaced policy: resource.Get(apiVersion, resource, name)) whose arguments are string
// constants. Reads with computed arguments are known only for a given trigger and are not returned.
func (g *Generations) Sources() []Source {
	seen := map[Source]bool{}
	var out []Source
	visit := func(a *ast.AST) {
		for _, c := range ast.MatchDescendants(ast.NavigateAST(a), ast.KindMatcher(ast.CallKind)) {
			if s, ok := g.sourceOf(c.AsCall()); ok && !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	for _, v := range g.prog.variables {
		visit(v.prog.ast.NativeRep())
	}
	for _, e := range g.entries {
		if e.expr != nil {
			visit(e.expr.ast.NativeRep())
		}
		for _, h := range e.holes {
			visit(h.ast.NativeRep())
		}
	}
	return out
}

// sourceOf reads a resource.Get call with constant arguments.
func (g *Generations) sourceOf(c ast.CallExpr) (Source, bool) {
	if c.FunctionName() != "Get" || !c.IsMemberFunction() || c.Target().Kind() != ast.IdentKind ||
		c.Target().AsIdent() != "resource" {
		return Source{}, false
	}
	args := make([]string, 0, len(c.Args()))
	for _, a := range c.Args() {
		if a.Kind() != ast.LiteralKind {
			return Source{}, false
		}
		s, ok := a.AsLiteral().(types.String)
		if !ok {
			return Source{}, false
		}
		args = append(args, string(s))
	}
	switch {
	case g.namespace == "" && len(args) == 4:
		return Source{APIVersion: args[0], Resource: args[1], Namespace: args[2], Name: args[3]}, true
	case g.namespace != "" && len(args) == 3:
		return Source{APIVersion: args[0], Resource: args[1], Namespace: g.namespace, Name: args[2]}, true
	}
	return Source{}, false
}
