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
