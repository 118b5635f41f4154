package cel

import (
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
)

// collectionNodes returns the IDs of the expressions of a that are iterated or searched as lists or maps: ranges
// of comprehensions, right operands of `in`, and the operands their values come from (both sides of `+`, the
// branches of `?:`, optionals unwrapped by orValue, the definition of a bound variable). The cost estimate sizes
// them by the largest list or map of the input; every other value by the largest string, list or map.
func collectionNodes(a *ast.AST) map[int64]bool {
	nodes := map[int64]ast.NavigableExpr{}
	var work []int64
	for _, n := range ast.MatchDescendants(ast.NavigateAST(a), func(ast.NavigableExpr) bool { return true }) {
		nodes[n.ID()] = n
		switch n.Kind() {
		case ast.ComprehensionKind:
			work = append(work, n.AsComprehension().IterRange().ID())
		case ast.CallKind:
			if c := n.AsCall(); c.FunctionName() == operators.In && len(c.Args()) == 2 {
				work = append(work, c.Args()[1].ID())
			}
		}
	}
	marked := map[int64]bool{}
	for len(work) > 0 {
		id := work[len(work)-1]
		work = work[:len(work)-1]
		n, ok := nodes[id]
		if !ok || marked[id] {
			continue
		}
		marked[id] = true
		work = append(work, valueSources(n)...)
	}
	return marked
}

// valueSources returns the IDs of the expressions whose values n passes through unchanged or concatenates.
func valueSources(n ast.NavigableExpr) []int64 {
	switch n.Kind() {
	case ast.IdentKind:
		if init := boundDefinition(n); init != nil {
			return []int64{init.ID()}
		}
	case ast.ComprehensionKind:
		return []int64{n.AsComprehension().Result().ID()}
	case ast.CallKind:
		return callSources(n.AsCall())
	}
	return nil
}

func callSources(c ast.CallExpr) []int64 {
	args := c.Args()
	var out []int64
	switch c.FunctionName() {
	case operators.Add:
		for _, a := range args {
			out = append(out, a.ID())
		}
	case operators.Conditional:
		if len(args) == 3 {
			out = append(out, args[1].ID(), args[2].ID())
		}
	case "orValue", "or", "value", "dyn", "optional.of", "optional.ofNonZeroValue":
		if c.IsMemberFunction() {
			out = append(out, c.Target().ID())
		}
		for _, a := range args {
			out = append(out, a.ID())
		}
	}
	return out
}

// boundDefinition returns the initial value of the comprehension accumulator an identifier refers to (for a
// cel.bind, the bound expression), or nil.
func boundDefinition(ident ast.NavigableExpr) ast.Expr {
	name := ident.AsIdent()
	for p, ok := ident.Parent(); ok; p, ok = p.Parent() {
		if p.Kind() != ast.ComprehensionKind {
			continue
		}
		comp := p.AsComprehension()
		if comp.IterVar() == name || (comp.HasIterVar2() && comp.IterVar2() == name) {
			return nil
		}
		if comp.AccuVar() == name {
			return comp.AccuInit()
		}
	}
	return nil
}
