package engine

import (
	"fmt"

	"github.com/bylaw-dev/bylaw/engine/conditions"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

// conditionTree is a compiled `any`/`all` block (preconditions, deny conditions). The legacy plain-list form is an `all`.
type conditionTree struct {
	any []condition
	all []condition
}

type condition struct {
	key     *variables.Tree
	op      conditions.Operator
	value   *variables.Tree
	message *variables.Template
}

// conditionOutcome is the result of a condition tree: whether it held and, when not, the message of the condition that
// decided it.
type conditionOutcome struct {
	held    bool
	message string
}

// evaluate reports whether the tree holds against doc: every `all` condition and, when `any` is not empty, at least
// one `any` condition.
func (t *conditionTree) evaluate(doc any) (conditionOutcome, error) {
	if t == nil {
		return conditionOutcome{held: true}, nil
	}
	for i := range t.all {
		ok, err := t.all[i].evaluate(doc)
		if err != nil {
			return conditionOutcome{}, fmt.Errorf("all[%d]: %w", i, err)
		}
		if !ok {
			return conditionOutcome{message: t.all[i].renderMessage(doc)}, nil
		}
	}
	if len(t.any) == 0 {
		return conditionOutcome{held: true}, nil
	}
	var msg string
	for i := range t.any {
		ok, err := t.any[i].evaluate(doc)
		if err != nil {
			return conditionOutcome{}, fmt.Errorf("any[%d]: %w", i, err)
		}
		if ok {
			return conditionOutcome{held: true}, nil
		}
		if msg == "" {
			msg = t.any[i].renderMessage(doc)
		}
	}
	return conditionOutcome{message: msg}, nil
}

func (c *condition) evaluate(doc any) (bool, error) {
	key, err := c.key.Render(doc)
	if err != nil {
		return false, fmt.Errorf("key: %w", err)
	}
	var value any
	if c.value != nil {
		if value, err = c.value.Render(doc); err != nil {
			return false, fmt.Errorf("value: %w", err)
		}
	}
	ok, err := conditions.Evaluate(c.op, key, value)
	if err != nil {
		return false, fmt.Errorf("operator %s: %w", c.op, err)
	}
	return ok, nil
}

func (c *condition) renderMessage(doc any) string {
	if c.message == nil {
		return ""
	}
	s, err := c.message.RenderString(doc)
	if err != nil {
		return c.message.String()
	}
	return s
}
