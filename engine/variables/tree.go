package variables

import (
	"fmt"
	"strconv"
	"strings"
)

// Tree is a compiled JSON value (map[string]any, []any, string, number, bool, nil) whose strings and keys may hold variables.
// A Tree without variables renders to its source value without copying.
type Tree struct {
	src  any
	root *node
}

type node struct {
	tmpl   *Template // a string leaf with variables
	fields []field   // an object that holds variables somewhere below
	items  []*node   // an array that holds variables somewhere below
	lit    any       // a subtree without variables
	isObj  bool
	isArr  bool
}

type field struct {
	key  string
	ktpl *Template // non-nil when the key holds variables
	val  *node
}

// CompileTree compiles every variable in v. Errors name the path of the offending string.
func (c *Compiler) CompileTree(v any) (*Tree, error) {
	n, err := c.compileNode(v, "")
	if err != nil {
		return nil, err
	}
	return &Tree{src: v, root: n}, nil
}

// HasVariables reports whether any string or key in the tree holds a variable.
func (t *Tree) HasVariables() bool { return !isLiteral(t.root) }

// Source returns the tree as it was compiled.
func (t *Tree) Source() any { return t.src }

// Render returns the tree with every variable substituted from doc.
func (t *Tree) Render(doc any) (any, error) {
	return t.root.render(doc, "")
}

func isLiteral(n *node) bool { return n.tmpl == nil && !n.isObj && !n.isArr }

func (c *Compiler) compileNode(v any, path string) (*node, error) {
	switch x := v.(type) {
	case string:
		if !strings.Contains(x, "{{") {
			return &node{lit: x}, nil
		}
		t, err := c.Compile(x)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pathOrRoot(path), err)
		}
		if t.IsConstant() {
			// only escaped variables: render once now.
			s, _ := t.Render(nil)
			return &node{lit: s}, nil
		}
		return &node{tmpl: t}, nil
	case map[string]any:
		return c.compileObject(x, path)
	case []any:
		return c.compileArray(x, path)
	default:
		return &node{lit: v}, nil
	}
}

func (c *Compiler) compileObject(m map[string]any, path string) (*node, error) {
	n := &node{isObj: true}
	dynamic := false
	for k, v := range m {
		f := field{key: k}
		if strings.Contains(k, "{{") {
			t, err := c.Compile(k)
			if err != nil {
				return nil, fmt.Errorf("%s: key: %w", pathOrRoot(path+"/"+k), err)
			}
			if !t.IsConstant() {
				f.ktpl = t
				dynamic = true
			}
		}
		child, err := c.compileNode(v, path+"/"+k)
		if err != nil {
			return nil, err
		}
		if !isLiteral(child) {
			dynamic = true
		}
		f.val = child
		n.fields = append(n.fields, f)
	}
	if !dynamic {
		return &node{lit: m}, nil
	}
	return n, nil
}

func (c *Compiler) compileArray(a []any, path string) (*node, error) {
	n := &node{isArr: true}
	dynamic := false
	for i, v := range a {
		child, err := c.compileNode(v, path+"/"+strconv.Itoa(i))
		if err != nil {
			return nil, err
		}
		if !isLiteral(child) {
			dynamic = true
		}
		n.items = append(n.items, child)
	}
	if !dynamic {
		return &node{lit: a}, nil
	}
	return n, nil
}

func (n *node) render(doc any, path string) (any, error) {
	switch {
	case n.tmpl != nil:
		v, err := n.tmpl.Render(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", pathOrRoot(path), err)
		}
		return v, nil
	case n.isObj:
		out := make(map[string]any, len(n.fields))
		for _, f := range n.fields {
			key := f.key
			if f.ktpl != nil {
				k, err := f.ktpl.RenderString(doc)
				if err != nil {
					return nil, fmt.Errorf("%s: key: %w", pathOrRoot(path+"/"+f.key), err)
				}
				key = k
			}
			v, err := f.val.render(doc, path+"/"+key)
			if err != nil {
				return nil, err
			}
			out[key] = v
		}
		return out, nil
	case n.isArr:
		out := make([]any, len(n.items))
		for i, item := range n.items {
			v, err := item.render(doc, path+"/"+strconv.Itoa(i))
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	default:
		return n.lit, nil
	}
}

func pathOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
