package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/bylaw-dev/bylaw/engine/jmespath"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

// validateForeachList runs each foreach declaration of a level; the first failure or error decides. When no element of
// any declaration applied, the result is a skip, as Kyverno's "rule skipped" (its foreach apply count is 0).
func (e *Engine) validateForeachList(ctx context.Context, list []*foreachProgram, in *Input, doc map[string]any, target any, loader Loader, depth int) outcome {
	applied := 0
	var absent []string
	for i, fe := range list {
		o, n := e.validateForeach(ctx, fe, in, doc, target, loader, depth)
		if o.status == StatusFail || o.status == StatusError {
			if o.status == StatusError {
				o.message = fmt.Sprintf("foreach[%d]: %s", i, o.message)
			}
			return o
		}
		if o.message != "" {
			absent = append(absent, o.message)
		}
		applied += n
	}
	if applied == 0 {
		msg := "rule skipped: no foreach element applied"
		if len(absent) > 0 {
			msg += " (" + strings.Join(absent, "; ") + ")"
		}
		return outcome{status: StatusSkip, message: msg}
	}
	return outcome{status: StatusPass}
}

// validateForeach evaluates one foreach declaration over its list; it returns the decisive outcome and the number of
// elements that applied (were not skipped). A list that names a key the document lacks has nothing to check: Kyverno
// skips such a declaration, so does Bylaw (the outcome's message says which list was absent).
func (e *Engine) validateForeach(ctx context.Context, fe *foreachProgram, in *Input, doc map[string]any, target any, loader Loader, depth int) (outcome, int) {
	elements, err := foreachElements(fe.list, doc)
	if isAbsent(err) {
		return outcome{status: StatusPass, message: fmt.Sprintf("list %q is absent", listExpression(fe.list))}, 0
	}
	if err != nil {
		return outcome{status: StatusError, message: err.Error()}, 0
	}
	applied := 0
	for idx, el := range elements {
		if el == nil {
			continue // Kyverno skips null elements
		}
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
	target, err := fe.elementTarget(el, target)
	if err != nil {
		return outcome{status: StatusError, message: err.Error()}
	}
	doc, err = loadContext(ctx, fe.context, doc, in, loader)
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

// elementTarget returns what patterns apply to: the element when it is an object (or elementScope is true), else the
// whole resource (target). elementScope true on an element that is not an object is an error, as in Kyverno.
func (fe *foreachProgram) elementTarget(el, target any) (any, error) {
	_, isObject := el.(map[string]any)
	switch {
	case fe.elementScope == nil && isObject, fe.elementScope != nil && *fe.elementScope && isObject:
		return el, nil
	case fe.elementScope != nil && *fe.elementScope:
		return nil, fmt.Errorf("elementScope is true but the element is %s, not an object", jsonKind(el))
	}
	return target, nil
}

// foreachElements evaluates a foreach list as Kyverno's EvaluateList does: an array gives its items, null gives none,
// any other value is the only element. The error of a list that names a missing key satisfies isAbsent; whether that
// is nothing to check (validate) or an error (mutate, generate) is the caller's decision, as in Kyverno.
func foreachElements(list *variables.Template, doc any) ([]any, error) {
	v, err := list.Render(doc)
	if err != nil {
		return nil, fmt.Errorf("foreach list %q: %w", listExpression(list), err)
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

// isAbsent reports whether err is a JMESPath path that named a key the document does not have ("Unknown key"); any
// other error (a function error, the evaluation budget, a failed nested variable) is not.
func isAbsent(err error) bool {
	_, ok := errors.AsType[jmespath.NotFoundError](err)
	return ok
}

// listExpression is the list as the policy wrote it, without the braces the compiler added.
func listExpression(list *variables.Template) string {
	s := list.String()
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(s, "{{"), "}}"))
}

// jsonKind names the JSON type of v for messages.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return "a number"
}
