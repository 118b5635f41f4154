package template

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxDocuments bounds the documents of one template.
const MaxDocuments = 100

// Tree is a parsed template: immutable, safe for concurrent use.
type Tree struct {
	docs  []node
	exprs []string
}

// Expressions returns the placeholders' expressions; Render's eval is called with their indexes.
func (t *Tree) Expressions() []string { return t.exprs }

// node is a part of a document.
type node interface {
	render(eval Eval) (any, error)
}

// Eval evaluates the expression with the given index and returns its value as decoded JSON.
type Eval func(i int) (any, error)

type literal struct{ v any }

type mapping struct {
	keys   []string
	values []node
}

type sequence struct{ items []node }

// splice is a scalar that is exactly one placeholder.
type splice struct{ expr int }

// interpolated is a scalar mixing text and placeholders (expr >= 0 marks a placeholder).
type interpolated struct {
	parts []string
	exprs []int
}

// Parse parses a template; with interpolate false the text is taken literally. Errors name the document and line.
func Parse(value string, interpolate bool) (*Tree, error) {
	p := &parser{interpolate: interpolate}
	dec := yaml.NewDecoder(strings.NewReader(value))
	t := &Tree{}
	for n := 1; ; n++ {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("document %d: %w", n, err)
		}
		root := &doc
		if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
			root = root.Content[0]
		}
		if root.Kind == yaml.DocumentNode || (root.Kind == yaml.ScalarNode && root.Tag == "!!null") {
			continue
		}
		if root.Kind != yaml.MappingNode {
			return nil, fmt.Errorf("document %d, line %d: a document must be a mapping describing an object", n, root.Line)
		}
		if len(t.docs) == MaxDocuments {
			return nil, fmt.Errorf("more than %d documents", MaxDocuments)
		}
		nd, err := p.node(root)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", n, err)
		}
		t.docs = append(t.docs, nd)
	}
	if len(t.docs) == 0 {
		return nil, errors.New("the template holds no document")
	}
	t.exprs = p.exprs
	return t, nil
}

// Render renders every document, evaluating placeholders with eval.
func (t *Tree) Render(eval Eval) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(t.docs))
	for i, d := range t.docs {
		v, err := d.render(eval)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i+1, err)
		}
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("document %d: expected a mapping, got %T", i+1, v)
		}
		out = append(out, m)
	}
	return out, nil
}

type parser struct {
	interpolate bool
	exprs       []string
}

func (p *parser) node(n *yaml.Node) (node, error) {
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if !p.interpolate || !holds(n) {
		var v any
		if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return literal{v: jsonValue(v)}, nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		return p.mapping(n)
	case yaml.SequenceNode:
		s := sequence{}
		for _, it := range n.Content {
			c, err := p.node(it)
			if err != nil {
				return nil, err
			}
			s.items = append(s.items, c)
		}
		return s, nil
	case yaml.ScalarNode:
		return p.scalar(n)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

func (p *parser) mapping(n *yaml.Node) (node, error) {
	m := mapping{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: only scalar mapping keys are supported", k.Line)
		}
		if hasPlaceholder(k.Value) {
			return nil, fmt.Errorf("line %d: placeholders are not supported in mapping keys; use a placeholder for the whole parent value", k.Line)
		}
		if k.Value == "<<" {
			return nil, fmt.Errorf("line %d: YAML merge keys are not supported beside placeholders", k.Line)
		}
		c, err := p.node(v)
		if err != nil {
			return nil, err
		}
		m.keys, m.values = append(m.keys, k.Value), append(m.values, c)
	}
	return m, nil
}

func (p *parser) scalar(n *yaml.Node) (node, error) {
	segs, err := scan(n.Value)
	if err != nil {
		return nil, fmt.Errorf("line %d: %w", n.Line, err)
	}
	if len(segs) == 1 && segs[0].expr {
		p.exprs = append(p.exprs, segs[0].literal)
		return splice{expr: len(p.exprs) - 1}, nil
	}
	in := interpolated{}
	for _, s := range segs {
		idx := -1
		if s.expr {
			p.exprs = append(p.exprs, s.literal)
			idx = len(p.exprs) - 1
		}
		in.parts, in.exprs = append(in.parts, s.literal), append(in.exprs, idx)
	}
	return in, nil
}

// holds reports whether a placeholder (or an escape) appears in a scalar of n.
func holds(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode {
		return holds(n.Alias)
	}
	if n.Kind == yaml.ScalarNode {
		return hasPlaceholder(n.Value)
	}
	for _, c := range n.Content {
		if holds(c) {
			return true
		}
	}
	return false
}

func (l literal) render(Eval) (any, error) { return deepCopy(l.v), nil }

func (m mapping) render(eval Eval) (any, error) {
	out := make(map[string]any, len(m.keys))
	for i, k := range m.keys {
		v, err := m.values[i].render(eval)
		if err != nil {
			return nil, fmt.Errorf("field %q: %w", k, err)
		}
		out[k] = v
	}
	return out, nil
}

func (s sequence) render(eval Eval) (any, error) {
	out := make([]any, 0, len(s.items))
	for i, it := range s.items {
		v, err := it.render(eval)
		if err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		out = append(out, v)
	}
	return out, nil
}

func (s splice) render(eval Eval) (any, error) { return eval(s.expr) }

func (in interpolated) render(eval Eval) (any, error) {
	var b strings.Builder
	for i, part := range in.parts {
		if in.exprs[i] < 0 {
			b.WriteString(part)
			continue
		}
		v, err := eval(in.exprs[i])
		if err != nil {
			return nil, err
		}
		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case bool, int64, float64, int:
			fmt.Fprint(&b, v)
		default:
			return nil, fmt.Errorf("placeholder %q inside a string must give a scalar, got %T; use a placeholder for the whole value", part, v)
		}
	}
	return b.String(), nil
}

// jsonValue turns YAML-decoded values into decoded-JSON ones (map[string]any keys, int64 numbers).
func jsonValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = jsonValue(e)
		}
		return v
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[fmt.Sprint(k)] = jsonValue(e)
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = jsonValue(e)
		}
		return v
	case int:
		return int64(v)
	}
	return v
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// LiteralKinds returns the apiVersion and kind of every document in which both are literal strings.
func (t *Tree) LiteralKinds() [][2]string {
	var out [][2]string
	for _, d := range t.docs {
		var apiVersion, kind string
		switch d := d.(type) {
		case literal:
			m, _ := d.v.(map[string]any)
			apiVersion, _ = m["apiVersion"].(string)
			kind, _ = m["kind"].(string)
		case mapping:
			for i, k := range d.keys {
				l, ok := d.values[i].(literal)
				s, _ := l.v.(string)
				if !ok {
					continue
				}
				if k == "apiVersion" {
					apiVersion = s
				} else if k == "kind" {
					kind = s
				}
			}
		}
		if apiVersion != "" && kind != "" {
			out = append(out, [2]string{apiVersion, kind})
		}
	}
	return out
}
