package jmespath

import (
	"errors"
	"fmt"
	"math"

	"github.com/jmespath-community/go-jmespath/pkg/binding"
	jpinterpreter "github.com/jmespath-community/go-jmespath/pkg/interpreter"
	"github.com/jmespath-community/go-jmespath/pkg/parsing"
	"github.com/jmespath-community/go-jmespath/pkg/util"
)

// evaluator walks one AST for one Search. It follows Kyverno's interpreter:
// a missing key yields NotFoundError, which most composite nodes swallow.
type evaluator struct {
	root     any
	caller   jpinterpreter.FunctionCaller
	bindings binding.Bindings
	budget   int
}

// soft evaluates node and turns a NotFoundError into a null result.
func (ev *evaluator) soft(node parsing.ASTNode, value any) (any, error) {
	out, err := ev.eval(node, value)
	if err != nil {
		if isNotFound(err) {
			return nil, nil
		}
		return nil, err
	}
	return out, nil
}

func (ev *evaluator) eval(node parsing.ASTNode, value any) (any, error) {
	ev.budget--
	if ev.budget < 0 {
		return nil, ErrBudgetExceeded
	}
	switch node.NodeType {
	case parsing.ASTField:
		return field(value, node.Value.(string))
	case parsing.ASTSubexpression, parsing.ASTIndexExpression:
		left, err := ev.eval(node.Children[0], value)
		if err != nil || left == nil {
			return nil, err
		}
		return ev.eval(node.Children[1], left)
	case parsing.ASTIdentity, parsing.ASTCurrentNode:
		return value, nil
	case parsing.ASTRootNode:
		return ev.root, nil
	case parsing.ASTLiteral:
		return node.Value, nil
	case parsing.ASTIndex:
		return index(value, node.Value.(int)), nil
	case parsing.ASTSlice:
		return slice(value, node.Value.([]*int))
	case parsing.ASTKeyValPair:
		return ev.eval(node.Children[0], value)
	case parsing.ASTFunctionExpression:
		return ev.call(node, value)
	case parsing.ASTExpRef:
		return ev.expRef(node.Children[0]), nil
	case parsing.ASTProjection:
		return ev.projection(node, value)
	case parsing.ASTFilterProjection:
		return ev.filterProjection(node, value)
	case parsing.ASTValueProjection:
		return ev.valueProjection(node, value)
	case parsing.ASTFlatten:
		return ev.flatten(node, value)
	}
	return ev.evalOperator(node, value)
}

// evalOperator handles logical, comparison, arithmetic, multi-select, pipe
// and let nodes.
func (ev *evaluator) evalOperator(node parsing.ASTNode, value any) (any, error) {
	switch node.NodeType {
	case parsing.ASTOrExpression:
		left, err := ev.soft(node.Children[0], value)
		if err != nil || !util.IsFalse(left) {
			return left, err
		}
		return ev.soft(node.Children[1], value)
	case parsing.ASTAndExpression:
		left, err := ev.soft(node.Children[0], value)
		if err != nil || util.IsFalse(left) {
			return left, err
		}
		return ev.eval(node.Children[1], value)
	case parsing.ASTNotExpression:
		v, err := ev.soft(node.Children[0], value)
		if err != nil {
			return nil, err
		}
		return util.IsFalse(v), nil
	case parsing.ASTComparator:
		return ev.compare(node, value)
	case parsing.ASTArithmeticExpression, parsing.ASTArithmeticUnaryExpression:
		return ev.arithmetic(node, value)
	case parsing.ASTMultiSelectList:
		return ev.multiSelectList(node, value)
	case parsing.ASTMultiSelectHash:
		return ev.multiSelectHash(node, value)
	case parsing.ASTPipe:
		return ev.pipe(node, value)
	case parsing.ASTLetExpression:
		return ev.let(node, value)
	case parsing.ASTBindings:
		return value, ev.bind(node, value)
	case parsing.ASTVariable:
		return ev.variable(node.Value.(string))
	}
	return nil, fmt.Errorf("unknown AST node: %s", node.NodeType)
}

func (ev *evaluator) call(node parsing.ASTNode, value any) (out any, err error) {
	name := node.Value.(string)
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("function %s() failed: %v", name, r)
		}
	}()
	args := make([]any, len(node.Children))
	for n, child := range node.Children {
		arg, err := ev.soft(child, value)
		if err != nil {
			return nil, err
		}
		args[n], _ = canonical(arg)
	}
	return ev.caller.CallFunction(name, args)
}

// expRef returns the expression reference passed to functions like sort_by.
func (ev *evaluator) expRef(node parsing.ASTNode) func(any) (any, error) {
	return func(data any) (any, error) {
		out, err := ev.soft(node, data)
		if err != nil {
			return nil, err
		}
		out, _ = canonical(out)
		return out, nil
	}
}

func (ev *evaluator) compare(node parsing.ASTNode, value any) (any, error) {
	left, err := ev.soft(node.Children[0], value)
	if err != nil {
		return nil, err
	}
	right, err := ev.soft(node.Children[1], value)
	if err != nil {
		return nil, err
	}
	switch node.Value {
	case parsing.TOKEQ:
		return jsonEqual(left, right), nil
	case parsing.TOKNE:
		return !jsonEqual(left, right), nil
	}
	l, lok := toFloat(left)
	r, rok := toFloat(right)
	if !lok || !rok {
		return nil, nil
	}
	switch node.Value {
	case parsing.TOKGT:
		return l > r, nil
	case parsing.TOKGTE:
		return l >= r, nil
	case parsing.TOKLT:
		return l < r, nil
	case parsing.TOKLTE:
		return l <= r, nil
	}
	return nil, fmt.Errorf("unknown comparator %v", node.Value)
}

func (ev *evaluator) arithmetic(node parsing.ASTNode, value any) (any, error) {
	operands := make([]float64, len(node.Children))
	for n, child := range node.Children {
		v, err := ev.soft(child, value)
		if err != nil {
			return nil, err
		}
		f, ok := toFloat(v)
		if !ok {
			return nil, nil
		}
		operands[n] = f
	}
	if node.NodeType == parsing.ASTArithmeticUnaryExpression {
		if node.Value == parsing.TOKMinus {
			return -operands[0], nil
		}
		return operands[0], nil
	}
	l, r := operands[0], operands[1]
	switch node.Value {
	case parsing.TOKPlus:
		return l + r, nil
	case parsing.TOKMinus:
		return l - r, nil
	case parsing.TOKStar, parsing.TOKMultiply:
		return l * r, nil
	case parsing.TOKDivide:
		return l / r, nil
	case parsing.TOKModulo:
		return math.Mod(l, r), nil
	case parsing.TOKDiv:
		return math.Floor(l / r), nil
	}
	return nil, fmt.Errorf("unknown arithmetic operator %v", node.Value)
}

func (ev *evaluator) pipe(node parsing.ASTNode, value any) (any, error) {
	result := value
	for _, child := range node.Children {
		var err error
		if result, err = ev.soft(child, result); err != nil {
			return nil, err
		}
	}
	return result, nil
}

func (ev *evaluator) let(node parsing.ASTNode, value any) (any, error) {
	saved := ev.bindings
	defer func() { ev.bindings = saved }()
	if _, err := ev.soft(node.Children[0], value); err != nil {
		return nil, err
	}
	return ev.soft(node.Children[1], value)
}

func (ev *evaluator) bind(node parsing.ASTNode, value any) error {
	if ev.bindings == nil {
		ev.bindings = binding.NewBindings()
	}
	for _, child := range node.Children {
		v, err := ev.soft(child.Children[1], value)
		if err != nil {
			return err
		}
		ev.bindings = ev.bindings.Register(child.Children[0].Value.(string), v)
	}
	return nil
}

func (ev *evaluator) variable(name string) (any, error) {
	if ev.bindings == nil {
		return nil, errors.New("variable not defined: " + name)
	}
	return ev.bindings.Get(name)
}
