package cel

import (
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// Policies of one set often declare the same variable: most pod-security policies build the same `allContainers`
// list. A variable whose expression reads only the input (object, oldObject, request, namespaceObject; not params,
// which each rule may set on its own copy of an Input, nor other variables, which differ per rule) has the same
// value for every rule that evaluates a prepared Input, so the untracked evaluations of a prepared Input compute it
// once and share it. Evaluations that track cost never share: they must be charged for every variable they use.

// sharedKey returns the key under which a variable's value is shared: its expression unparsed from the checked AST
// (so that spacing and line breaks do not matter), or its source text when it cannot be unparsed (macros need
// call tracking the Kubernetes environment does not enable); empty when the value may depend on more than the
// input. Two expressions with one key parse to the same AST.
func sharedKey(a *cel.Ast, source string) string {
	if a == nil {
		return ""
	}
	for _, id := range ast.MatchDescendants(ast.NavigateAST(a.NativeRep()), ast.KindMatcher(ast.IdentKind)) {
		if readsOwnState(id.AsIdent()) || (libraryNames[id.AsIdent()] && !boundLocally(id)) {
			return ""
		}
	}
	if key, err := cel.AstToString(a); err == nil {
		return key
	}
	return strings.TrimSpace(source)
}

// readsOwnState reports whether an identifier names state of one rule or one evaluation: variables or params.
func readsOwnState(name string) bool {
	for _, own := range []string{varVariables, varParams} {
		if name == own || strings.HasPrefix(name, own+".") {
			return true
		}
	}
	return false
}

// sharedVariable returns the value of the shared variable key, when an evaluation of this input computed it.
func (p *prepared) sharedVariable(key string) (ref.Val, bool) {
	return p.vars.load(key)
}

// shareVariable records the value of the shared variable key. Errors are not shared: their text names the
// variable of the rule that computed them.
func (p *prepared) shareVariable(key string, val ref.Val) {
	if types.IsUnknownOrError(val) {
		return
	}
	p.vars.store(key, val)
}
