package jmespath

import (
	"errors"
	"fmt"
	"sort"

	"github.com/jmespath-community/go-jmespath/pkg/functions"
	jpinterpreter "github.com/jmespath-community/go-jmespath/pkg/interpreter"
	"github.com/jmespath-community/go-jmespath/pkg/parsing"
)

// Interpreter compiles JMESPath expressions against one function table: the
// standard JMESPath functions plus Kyverno's custom ones (which replace the
// standard items, replace, split, sum and trim, as in Kyverno).
type Interpreter struct {
	caller   jpinterpreter.FunctionCaller
	table    map[string]functions.FunctionEntry
	infos    []FunctionInfo
	maxSteps int
}

// FunctionInfo describes one Kyverno custom function.
type FunctionInfo struct {
	// Name is the function name, e.g. "add".
	Name string
	// Signature is the argument and result types, e.g. "add(any, any) any".
	Signature string
	// Note says what the function does.
	Note string
}

// Query is a compiled expression. It is safe for concurrent use.
type Query interface {
	// Search evaluates the expression against data (maps are map[string]any,
	// lists []any, numbers any Go number type).
	Search(data any) (any, error)
}

// CompileError reports an expression that cannot be compiled.
type CompileError struct {
	// Expression is the expression as given.
	Expression string
	// Err is the reason.
	Err error
}

func (e *CompileError) Error() string {
	return fmt.Sprintf("jmespath: compile %q: %v", e.Expression, e.Err)
}

// Unwrap returns the reason.
func (e *CompileError) Unwrap() error { return e.Err }

// New returns an Interpreter with Kyverno's custom functions.
func New(opts ...Option) *Interpreter {
	s := defaultSettings()
	for _, opt := range opts {
		opt(&s)
	}
	custom := newRuntime(s).functions()
	entries := functions.GetDefaultFunctions()
	guardBuiltins(entries)
	infos := make([]FunctionInfo, 0, len(custom))
	for _, f := range custom {
		entries = append(entries, f.entry)
		infos = append(infos, FunctionInfo{Name: f.entry.Name, Signature: f.signature(), Note: f.note})
	}
	sort.Slice(infos, func(a, b int) bool { return infos[a].Name < infos[b].Name })
	table := make(map[string]functions.FunctionEntry, len(entries))
	for _, e := range entries {
		table[e.Name] = e
	}
	return &Interpreter{
		caller:   jpinterpreter.NewFunctionCaller(entries...),
		table:    table,
		infos:    infos,
		maxSteps: s.maxSteps,
	}
}

// Compile parses expr once and checks that every function it calls exists
// and gets an acceptable number of arguments, and that every let binding has
// the form `$name = expression` (the parser also accepts `let $x in ...` and
// `[a = b]`, which JMESPath's grammar does not).
func (i *Interpreter) Compile(expr string) (Query, error) {
	ast, err := parsing.NewParser().Parse(expr)
	if err != nil {
		return nil, &CompileError{Expression: expr, Err: err}
	}
	if err := i.checkCalls(ast); err != nil {
		return nil, &CompileError{Expression: expr, Err: err}
	}
	return &query{expr: expr, ast: ast, caller: i.caller, maxSteps: i.maxSteps}, nil
}

// Functions lists Kyverno's custom functions sorted by name.
func (i *Interpreter) Functions() []FunctionInfo {
	out := make([]FunctionInfo, len(i.infos))
	copy(out, i.infos)
	return out
}

// checkCalls walks the AST and verifies function names and arities, and the
// shape of let bindings, which the evaluator relies on.
func (i *Interpreter) checkCalls(node parsing.ASTNode) error {
	children := node.Children
	switch node.NodeType {
	case parsing.ASTFunctionExpression:
		name, _ := node.Value.(string)
		entry, ok := i.table[name]
		if !ok {
			return fmt.Errorf("unknown function: %s()", name)
		}
		if err := checkArity(entry, len(node.Children)); err != nil {
			return err
		}
	case parsing.ASTBindings:
		children = nil
		for _, b := range node.Children {
			if b.NodeType != parsing.ASTBinding || len(b.Children) != 2 || b.Children[0].NodeType != parsing.ASTVariable {
				return errors.New("let: a binding must have the form $name = expression")
			}
			children = append(children, b.Children[1])
		}
	case parsing.ASTBinding:
		return errors.New("a binding ($name = expression) is only allowed after let")
	}
	for _, child := range children {
		if err := i.checkCalls(child); err != nil {
			return err
		}
	}
	return nil
}

func checkArity(entry functions.FunctionEntry, got int) error {
	if len(entry.Arguments) == 0 {
		if got != 0 {
			return fmt.Errorf("function %s() takes no arguments, got %d", entry.Name, got)
		}
		return nil
	}
	least, variadic := 0, false
	for _, a := range entry.Arguments {
		if !a.Optional {
			least++
		}
		variadic = variadic || a.Variadic
	}
	switch {
	case got < least:
		return fmt.Errorf("function %s() expects at least %d arguments, got %d", entry.Name, least, got)
	case !variadic && got > len(entry.Arguments):
		return fmt.Errorf("function %s() expects at most %d arguments, got %d", entry.Name, len(entry.Arguments), got)
	}
	return nil
}

type query struct {
	expr     string
	ast      parsing.ASTNode
	caller   jpinterpreter.FunctionCaller
	maxSteps int
}

// Search evaluates the compiled expression against data.
func (q *query) Search(data any) (any, error) {
	ev := evaluator{root: data, caller: q.caller, budget: q.maxSteps}
	out, err := ev.eval(q.ast, data)
	if err != nil {
		return nil, fmt.Errorf("jmespath %q: %w", q.expr, err)
	}
	return out, nil
}
