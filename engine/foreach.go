package engine

import (
	"context"
	"fmt"
)

// validateForeachList runs each foreach declaration of a level; the first failure or error decides. When no element of
// any declaration applied, the result is a skip.
func (e *Engine) validateForeachList(ctx context.Context, list []*foreachProgram, in *Input, doc map[string]any, target any, loader Loader, depth int) outcome {
	applied := 0
	for i, fe := range list {
		o, n := e.validateForeach(ctx, fe, in, doc, target, loader, depth)
		if o.status == StatusFail || o.status == StatusError {
			if o.status == StatusError {
				o.message = fmt.Sprintf("foreach[%d]: %s", i, o.message)
			}
			return o
		}
		applied += n
	}
	if applied == 0 {
		return outcome{status: StatusSkip, message: "rule skipped: no foreach element applied"}
	}
	return outcome{status: StatusPass}
}

// validateForeach evaluates one foreach declaration over its list; it returns the decisive outcome and the number of
// elements that applied (were not skipped).
func (e *Engine) validateForeach(ctx context.Context, fe *foreachProgram, in *Input, doc map[string]any, target any, loader Loader, depth int) (outcome, int) {
	elements, err := evaluateList(fe, doc)
	if err != nil {
		return outcome{status: StatusError, message: err.Error()}, 0
	}
	applied := 0
	for idx, el := range elements {
		o := e.validateElement(ctx, fe, in, withElement(doc, el, idx, depth), el, target, loader, depth)
		switch o.status {
		case StatusFail, StatusError:
			if o.status == StatusError {
				o.message = fmt.Sprintf("element %d: %s", idx, o.message)
			}
			return o, applied
		case StatusPass:
			applied++
		}
	}
	return outcome{status: StatusPass}, applied
}

func (e *Engine) validateElement(ctx context.Context, fe *foreachProgram, in *Input, doc map[string]any, el, target any, loader Loader, depth int) outcome {
	doc, err := loadContext(ctx, fe.context, doc, in, loader)
	if err != nil {
		return outcome{status: StatusError, message: err.Error()}
	}
	pre, err := fe.preconditions.evaluate(doc)
	if err != nil {
		return outcome{status: StatusError, message: "preconditions: " + err.Error()}
	}
	if !pre.held {
		return outcome{status: StatusSkip}
	}
	if fe.usesElementScope(el) {
		target = el
	}
	var o outcome
	if len(fe.nested) > 0 {
		o = e.validateForeachList(ctx, fe.nested, in, doc, target, loader, depth+1)
	} else {
		o = checkBody(fe.pattern, fe.anyPattern, fe.deny, doc, target)
	}
	if o.status == StatusFail && o.doc == nil {
		o.doc = doc
	}
	return o
}

// usesElementScope reports whether patterns apply to the element rather than to the whole resource: by default when
// the element is an object.
func (fe *foreachProgram) usesElementScope(el any) bool {
	if fe.elementScope != nil {
		return *fe.elementScope
	}
	_, isObject := el.(map[string]any)
	return isObject
}

func evaluateList(fe *foreachProgram, doc map[string]any) ([]any, error) {
	v, err := fe.list.Render(doc)
	if err != nil {
		return nil, fmt.Errorf("foreach list %q: %w", fe.list.String(), err)
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		return x, nil
	default:
		return []any{x}, nil
	}
}
