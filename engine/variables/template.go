package variables

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bylaw-dev/bylaw/engine/jmespath"
)

// maxNestedRenders bounds re-substitution of variables that render to strings which hold variables themselves.
const maxNestedRenders = 8

// Compiler compiles templates with one JMESPath interpreter.
type Compiler struct {
	jp *jmespath.Interpreter
}

// NewCompiler returns a Compiler that compiles variable expressions with jp.
func NewCompiler(jp *jmespath.Interpreter) *Compiler { return &Compiler{jp: jp} }

// Template is a compiled string that may hold variables. It is safe for concurrent use.
type Template struct {
	raw   string
	parts []part
	// whole is true when the string is exactly one variable: Render then returns the typed value.
	whole bool
	c     *Compiler
}

type part struct {
	literal string
	expr    string
	query   jmespath.Query
	// inner is set when the expression itself holds variables (`{{ a."{{ b }}" }}`): it is rendered first and the
	// result compiled as the expression, innermost first as Kyverno does.
	inner *Template
}

func (p *part) isVar() bool { return p.query != nil || p.inner != nil }

func (p *part) search(doc any) (any, error) {
	if p.inner == nil {
		return p.query.Search(doc)
	}
	expr, err := p.inner.RenderString(doc)
	if err != nil {
		return nil, err
	}
	q, err := p.inner.c.jp.Compile(expr)
	if err != nil {
		return nil, err
	}
	return q.Search(doc)
}

// HasVariables reports whether s holds at least one unescaped `{{ ... }}` variable.
func HasVariables(s string) bool {
	spans, _ := scan(s)
	for _, sp := range spans {
		if sp.isVar {
			return true
		}
	}
	return false
}

// Compile parses s. The error names the variable and the reason.
func (c *Compiler) Compile(s string) (*Template, error) {
	spans, err := scan(s)
	if err != nil {
		return nil, err
	}
	t := &Template{raw: s, c: c}
	for _, sp := range spans {
		if !sp.isVar {
			t.parts = append(t.parts, part{literal: sp.text})
			continue
		}
		p, err := c.compilePart(sp.text)
		if err != nil {
			return nil, err
		}
		t.parts = append(t.parts, p)
	}
	t.whole = len(t.parts) == 1 && t.parts[0].isVar()
	return t, nil
}

func (c *Compiler) compilePart(expr string) (part, error) {
	if strings.Contains(expr, "{{") {
		inner, err := c.Compile(expr)
		if err != nil {
			return part{}, fmt.Errorf("variable {{%s}}: %w", expr, err)
		}
		return part{expr: expr, inner: inner}, nil
	}
	q, err := c.jp.Compile(expr)
	if err != nil {
		return part{}, fmt.Errorf("variable {{%s}}: %w", expr, err)
	}
	return part{expr: expr, query: q}, nil
}

// String returns the source text of the template.
func (t *Template) String() string { return t.raw }

// IsConstant reports whether the template holds no variables.
func (t *Template) IsConstant() bool {
	for i := range t.parts {
		if t.parts[i].isVar() {
			return false
		}
	}
	return true
}

// Render evaluates the template against doc.
func (t *Template) Render(doc any) (any, error) {
	return t.render(doc, 0)
}

// RenderString evaluates the template and formats the result as text.
func (t *Template) RenderString(doc any) (string, error) {
	v, err := t.Render(doc)
	if err != nil {
		return "", err
	}
	return toText(v)
}

func (t *Template) render(doc any, depth int) (any, error) {
	if t.whole {
		v, err := t.parts[0].search(doc)
		if err != nil {
			return nil, fmt.Errorf("variable {{%s}}: %w", t.parts[0].expr, err)
		}
		return t.renderNested(v, doc, depth)
	}
	var b strings.Builder
	nested := false
	for i := range t.parts {
		p := &t.parts[i]
		if !p.isVar() {
			b.WriteString(p.literal)
			continue
		}
		v, err := p.search(doc)
		if err != nil {
			return nil, fmt.Errorf("variable {{%s}}: %w", p.expr, err)
		}
		s, err := toText(v)
		if err != nil {
			return nil, fmt.Errorf("variable {{%s}}: %w", p.expr, err)
		}
		nested = nested || strings.Contains(s, "{{")
		b.WriteString(s)
	}
	if !nested {
		return b.String(), nil
	}
	return t.renderNested(b.String(), doc, depth)
}

// renderNested substitutes again when a variable rendered to a string that holds variables, as Kyverno does.
func (t *Template) renderNested(v any, doc any, depth int) (any, error) {
	s, ok := v.(string)
	if !ok || !strings.Contains(s, "{{") || !HasVariables(s) {
		return v, nil
	}
	if depth >= maxNestedRenders {
		return nil, fmt.Errorf("variables nested deeper than %d levels in %q", maxNestedRenders, t.raw)
	}
	inner, err := t.c.Compile(s)
	if err != nil {
		return nil, err
	}
	return inner.render(doc, depth+1)
}

// toText formats a variable's value for embedding in a longer string.
func toText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case nil:
		return "null", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("cannot format %T as text: %w", v, err)
	}
	return string(b), nil
}
