package engine

import (
	"fmt"
	"strings"

	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine/conditions"
	"github.com/bylaw-dev/bylaw/engine/pattern"
	"github.com/bylaw-dev/bylaw/engine/podsecurity"
	"github.com/bylaw-dev/bylaw/engine/variables"
)

// decodeJSON decodes a free-form field; integers become int64, other numbers float64.
func decodeJSON(raw *apiextv1.JSON) (any, error) {
	if raw == nil || len(raw.Raw) == 0 {
		return nil, nil
	}
	var v any
	if err := utiljson.Unmarshal(raw.Raw, &v); err != nil {
		return nil, err
	}
	return v, nil
}

func (e *Engine) compileValidation(v *v1alpha1.Validation) (*validation, error) {
	out := &validation{}
	var err error
	if v.Message != "" {
		if out.message, err = e.vars.Compile(v.Message); err != nil {
			return nil, fmt.Errorf("message: %w", err)
		}
	}
	if v.CEL != nil {
		if out.cel, err = e.compileCEL(v.CEL, v.Message); err != nil {
			return nil, fmt.Errorf("cel: %w", err)
		}
	}
	if v.PodSecurity != nil {
		if out.podSecurity, err = podsecurity.Compile(v.PodSecurity); err != nil {
			return nil, err
		}
	}
	body, err := e.compileBody(v.Pattern, v.AnyPattern, v.Deny)
	if err != nil {
		return nil, err
	}
	out.pattern, out.anyPattern, out.deny = body.pattern, body.anyPattern, body.deny
	if out.foreach, err = e.compileForeachList(v.ForEach, "foreach"); err != nil {
		return nil, err
	}
	if body.count()+boolToInt(len(out.foreach) > 0)+boolToInt(out.podSecurity != nil)+boolToInt(out.cel != nil) != 1 {
		return nil, fmt.Errorf("exactly one of pattern, anyPattern, deny, foreach, podSecurity, cel is required")
	}
	return out, nil
}

type body struct {
	pattern    *patternProgram
	anyPattern []*patternProgram
	deny       *conditionTree
}

func (b body) count() int {
	return boolToInt(b.pattern != nil) + boolToInt(len(b.anyPattern) > 0) + boolToInt(b.deny != nil)
}

func boolToInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (e *Engine) compileBody(pat, anyPat *apiextv1.JSON, deny *v1alpha1.Deny) (body, error) {
	var b body
	var err error
	if pat != nil {
		if b.pattern, err = e.compilePatternJSON(pat); err != nil {
			return b, fmt.Errorf("pattern: %w", err)
		}
	}
	if anyPat != nil {
		if b.anyPattern, err = e.compileAnyPattern(anyPat); err != nil {
			return b, err
		}
	}
	if deny != nil {
		conds, err := deny.AnyAllConditions()
		if err != nil {
			return b, fmt.Errorf("deny.conditions: %w", err)
		}
		if conds == nil {
			conds = &v1alpha1.AnyAllConditions{}
		}
		if b.deny, err = e.compileConditions(conds); err != nil {
			return b, fmt.Errorf("deny.conditions: %w", err)
		}
	}
	return b, nil
}

func (e *Engine) compileAnyPattern(raw *apiextv1.JSON) ([]*patternProgram, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, fmt.Errorf("anyPattern: %w", err)
	}
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		return nil, fmt.Errorf("anyPattern: must be a non-empty list of patterns")
	}
	out := make([]*patternProgram, 0, len(list))
	for i, item := range list {
		p, err := e.compilePattern(item)
		if err != nil {
			return nil, fmt.Errorf("anyPattern[%d]: %w", i, err)
		}
		out = append(out, p)
	}
	return out, nil
}

func (e *Engine) compilePatternJSON(raw *apiextv1.JSON) (*patternProgram, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	return e.compilePattern(v)
}

// compilePattern compiles a pattern now, or keeps it as a variable tree when it holds variables.
func (e *Engine) compilePattern(v any) (*patternProgram, error) {
	tree, err := e.vars.CompileTree(v)
	if err != nil {
		return nil, err
	}
	if tree.HasVariables() {
		return &patternProgram{tree: tree}, nil
	}
	compiled, err := pattern.Compile(v)
	if err != nil {
		return nil, err
	}
	return &patternProgram{static: compiled}, nil
}

func (e *Engine) compileConditions(c *v1alpha1.AnyAllConditions) (*conditionTree, error) {
	if c == nil {
		return nil, nil
	}
	t := &conditionTree{}
	var err error
	if t.any, err = e.compileConditionList(c.Any, "any"); err != nil {
		return nil, err
	}
	if t.all, err = e.compileConditionList(c.All, "all"); err != nil {
		return nil, err
	}
	return t, nil
}

func (e *Engine) compileConditionList(list []v1alpha1.Condition, field string) ([]condition, error) {
	out := make([]condition, 0, len(list))
	for i := range list {
		c, err := e.compileCondition(&list[i])
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		out = append(out, c)
	}
	return out, nil
}

func (e *Engine) compileCondition(c *v1alpha1.Condition) (condition, error) {
	var out condition
	op, err := conditions.ParseOperator(string(c.Operator))
	if err != nil {
		return out, fmt.Errorf("operator: %w", err)
	}
	out.op = op
	if out.key, err = e.compileTreeJSON(c.Key); err != nil {
		return out, fmt.Errorf("key: %w", err)
	}
	if c.Value != nil {
		if out.value, err = e.compileTreeJSON(c.Value); err != nil {
			return out, fmt.Errorf("value: %w", err)
		}
	}
	if c.Message != "" {
		if out.message, err = e.vars.Compile(c.Message); err != nil {
			return out, fmt.Errorf("message: %w", err)
		}
	}
	return out, nil
}

func (e *Engine) compileTreeJSON(raw *apiextv1.JSON) (*variables.Tree, error) {
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, err
	}
	return e.vars.CompileTree(v)
}

func (e *Engine) compileForeachList(list []v1alpha1.ForEachValidation, field string) ([]*foreachProgram, error) {
	out := make([]*foreachProgram, 0, len(list))
	for i := range list {
		fe, err := e.compileForeach(&list[i])
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		out = append(out, fe)
	}
	return out, nil
}

// foreachHead is what every foreach declaration has: the list to walk, context entries and preconditions per element.
type foreachHead struct {
	list          *variables.Template
	context       []contextEntry
	preconditions *conditionTree
}

func (e *Engine) compileForeachHead(list string, ctx []v1alpha1.ContextEntry, pre *v1alpha1.AnyAllConditions) (foreachHead, error) {
	var h foreachHead
	var err error
	if strings.TrimSpace(list) == "" {
		return h, fmt.Errorf("list: required")
	}
	if h.list, err = e.vars.Compile(listTemplate(list)); err != nil {
		return h, fmt.Errorf("list: %w", err)
	}
	if h.context, err = e.compileContext(ctx); err != nil {
		return h, err
	}
	if h.preconditions, err = e.compileConditions(pre); err != nil {
		return h, fmt.Errorf("preconditions: %w", err)
	}
	return h, nil
}

func (e *Engine) compileForeach(f *v1alpha1.ForEachValidation) (*foreachProgram, error) {
	head, err := e.compileForeachHead(f.List, f.Context, f.Preconditions)
	if err != nil {
		return nil, err
	}
	out := &foreachProgram{foreachHead: head, elementScope: f.ElementScope}
	b, err := e.compileBody(f.Pattern, f.AnyPattern, f.Deny)
	if err != nil {
		return nil, err
	}
	out.pattern, out.anyPattern, out.deny = b.pattern, b.anyPattern, b.deny
	if out.nested, err = e.compileForeachList(f.ForEach, "foreach"); err != nil {
		return nil, err
	}
	if b.count()+boolToInt(len(out.nested) > 0) != 1 {
		return nil, fmt.Errorf("exactly one of pattern, anyPattern, deny, foreach is required")
	}
	return out, nil
}

// listTemplate wraps a foreach list expression in braces unless it already is a variable.
func listTemplate(list string) string {
	list = strings.TrimSpace(list)
	if strings.HasPrefix(list, "{{") && strings.HasSuffix(list, "}}") {
		return list
	}
	return "{{" + list + "}}"
}
