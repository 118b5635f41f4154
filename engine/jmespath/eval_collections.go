package jmespath

import (
	"errors"

	"github.com/jmespath-community/go-jmespath/pkg/parsing"
	"github.com/jmespath-community/go-jmespath/pkg/util"
)

// field reads key from an object; a missing key is a NotFoundError.
func field(value any, key string) (any, error) {
	switch m := value.(type) {
	case map[string]any:
		v, ok := m[key]
		if !ok {
			return nil, NotFoundError{Key: key}
		}
		return v, nil
	case map[string]string:
		v, ok := m[key]
		if !ok {
			return nil, NotFoundError{Key: key}
		}
		return v, nil
	}
	return nil, nil
}

func index(value any, at int) any {
	list, ok := asList(value)
	if !ok {
		return nil
	}
	if at < 0 {
		at += len(list)
	}
	if at < 0 || at >= len(list) {
		return nil
	}
	return list[at]
}

func slice(value any, parts []*int) (any, error) {
	params := util.MakeSliceParams(parts)
	if s, ok := value.(string); ok {
		runes, err := util.Slice([]rune(s), params)
		if err != nil {
			return nil, nil
		}
		return string(runes), nil
	}
	list, ok := asList(value)
	if !ok {
		return nil, nil
	}
	return util.Slice(list, params)
}

// projection evaluates the right side on each element of the left list.
func (ev *evaluator) projection(node parsing.ASTNode, value any) (any, error) {
	left, err := ev.soft(node.Children[0], value)
	if err != nil {
		return nil, err
	}
	list, ok := asList(left)
	if !ok {
		// "abc"[1:] parses as a projection over a slice of a string.
		if s, isString := left.(string); isString && isStringSlice(node.Children[0]) {
			return s, nil
		}
		return nil, nil
	}
	return ev.collect(node.Children[1], list)
}

func isStringSlice(node parsing.ASTNode) bool {
	return node.NodeType == parsing.ASTIndexExpression &&
		len(node.Children) > 1 && node.Children[1].NodeType == parsing.ASTSlice
}

// collect evaluates node on each element and keeps the non-null results.
func (ev *evaluator) collect(node parsing.ASTNode, list []any) (any, error) {
	collected := make([]any, 0, len(list))
	for _, element := range list {
		v, err := ev.soft(node, element)
		if err != nil {
			return nil, err
		}
		if v != nil {
			collected = append(collected, v)
		}
	}
	return collected, nil
}

func (ev *evaluator) filterProjection(node parsing.ASTNode, value any) (any, error) {
	left, err := ev.eval(node.Children[0], value)
	if err != nil {
		return nil, leftError(err)
	}
	list, ok := asList(left)
	if !ok {
		return nil, nil
	}
	collected := make([]any, 0, len(list))
	for _, element := range list {
		keep, err := ev.soft(node.Children[2], element)
		if err != nil {
			return nil, err
		}
		if util.IsFalse(keep) {
			continue
		}
		v, err := ev.soft(node.Children[1], element)
		if err != nil {
			return nil, err
		}
		if v != nil {
			collected = append(collected, v)
		}
	}
	return collected, nil
}

func (ev *evaluator) valueProjection(node parsing.ASTNode, value any) (any, error) {
	left, err := ev.eval(node.Children[0], value)
	if err != nil {
		return nil, leftError(err)
	}
	var values []any
	switch m := left.(type) {
	case map[string]any:
		values = make([]any, 0, len(m))
		for _, v := range m {
			values = append(values, v)
		}
	case map[string]string:
		values = make([]any, 0, len(m))
		for _, v := range m {
			values = append(values, v)
		}
	default:
		return nil, nil
	}
	return ev.collect(node.Children[1], values)
}

func (ev *evaluator) flatten(node parsing.ASTNode, value any) (any, error) {
	left, err := ev.eval(node.Children[0], value)
	if err != nil {
		return nil, leftError(err)
	}
	list, ok := asList(left)
	if !ok {
		return nil, nil
	}
	flat := make([]any, 0, len(list))
	for _, element := range list {
		if inner, isList := asList(element); isList {
			flat = append(flat, inner...)
			continue
		}
		flat = append(flat, element)
	}
	return flat, nil
}

func (ev *evaluator) multiSelectList(node parsing.ASTNode, value any) (any, error) {
	collected := make([]any, 0, len(node.Children))
	for _, child := range node.Children {
		v, err := ev.soft(child, value)
		if err != nil {
			return nil, err
		}
		collected = append(collected, v)
	}
	return collected, nil
}

func (ev *evaluator) multiSelectHash(node parsing.ASTNode, value any) (any, error) {
	collected := make(map[string]any, len(node.Children))
	for _, child := range node.Children {
		v, err := ev.soft(child, value)
		if err != nil {
			return nil, err
		}
		collected[child.Value.(string)] = v
	}
	return collected, nil
}

// leftError is what a filter, value projection or flatten makes of an error on its left side: null, as Kyverno's
// interpreter does, except running out of the step budget, which must stay an error: a crafted document must not
// turn the bound that protects the caller into a null result (a foreach with nothing to check, a passing condition).
func leftError(err error) error {
	if errors.Is(err, ErrBudgetExceeded) {
		return err
	}
	return nil
}
