package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"

	yaml "go.yaml.in/yaml/v3"
)

// Check refuses a document that Decode would refuse for its size, its nesting or its alias expansion, without
// decoding it: for documents another decoder reads (sigs.k8s.io/yaml reads policies and Kyverno CLI test files,
// with YAML 1.1 rules, as Kyverno does). Every document of a multi-document doc is checked. A document without an
// alias (no `*` anywhere) is only checked for size, since nothing in it can expand; one yaml.v3 cannot parse is left
// to the decoder, which reports it (and bounds aliases by its own ratio).
func (l Limits) Check(doc []byte) error {
	l = l.WithDefaults()
	if int64(len(doc)) > l.MaxBytes {
		return l.tooLarge("document", int64(len(doc)))
	}
	if bytes.IndexByte(doc, '*') < 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil //nolint:nilerr // malformed: the decoder reports it
		}
		if len(node.Content) == 0 {
			continue
		}
		if err := l.measure(node.Content[0]); err != nil {
			return err
		}
	}
}

// measure refuses a parsed document whose expansion would nest deeper than l.MaxDepth or whose aliases add more than
// l.MaxAliasValues values, before anything is expanded. Expanded sizes and heights are computed once per node, so a
// document of nested aliases is measured in time linear in its size.
func (l Limits) measure(root *yaml.Node) error {
	m := measurer{lim: l, size: map[*yaml.Node]int64{}, height: map[*yaml.Node]int{}, active: map[*yaml.Node]bool{}}
	return m.walk(root, 0)
}

// measurer walks the document as written; at each alias it adds the expanded size of what the alias names.
type measurer struct {
	lim    Limits
	added  int64                // values aliases add so far
	size   map[*yaml.Node]int64 // expanded size of a node (values, saturating)
	height map[*yaml.Node]int   // expanded height of a node (levels; a scalar is 1)
	active map[*yaml.Node]bool  // nodes being measured: an alias back to one is a cycle
}

// walk visits n, at nesting depth depth (0 for the root), and its children; not what aliases name.
func (m *measurer) walk(n *yaml.Node, depth int) error {
	if depth > m.lim.MaxDepth {
		return m.deep(n)
	}
	if n.Kind == yaml.AliasNode {
		return m.alias(n, depth)
	}
	for _, c := range n.Content {
		if err := m.walk(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

func (m *measurer) alias(n *yaml.Node, depth int) error {
	size, height, err := m.expanded(n.Alias)
	if err != nil {
		return err
	}
	if depth+height > m.lim.MaxDepth {
		return m.deep(n)
	}
	m.added = addSaturating(m.added, size)
	if m.added > int64(m.lim.MaxAliasValues) {
		return &LimitError{What: "alias expansion", Limit: int64(m.lim.MaxAliasValues), Unit: "values", Line: n.Line}
	}
	return nil
}

func (m *measurer) deep(n *yaml.Node) error {
	return &LimitError{What: "nesting", Limit: int64(m.lim.MaxDepth), Unit: "levels", Line: n.Line}
}

// expanded returns how many values n expands to and how many levels deep, aliases followed.
func (m *measurer) expanded(n *yaml.Node) (size int64, height int, err error) {
	if n == nil {
		return 0, 0, errors.New("alias of an unknown anchor")
	}
	if s, ok := m.size[n]; ok {
		return s, m.height[n], nil
	}
	if m.active[n] {
		return 0, 0, fmt.Errorf("line %d: anchor %q holds an alias of itself", n.Line, n.Anchor)
	}
	m.active[n] = true
	defer delete(m.active, n)
	switch n.Kind {
	case yaml.AliasNode:
		size, height, err = m.expanded(n.Alias)
		height++
	default:
		size, height, err = m.expandedContent(n)
	}
	if err != nil {
		return 0, 0, err
	}
	if height > m.lim.MaxDepth {
		return 0, 0, m.deep(n)
	}
	m.size[n], m.height[n] = size, height
	return size, height, nil
}

func (m *measurer) expandedContent(n *yaml.Node) (size int64, height int, err error) {
	size = 1
	for _, c := range n.Content {
		s, h, err := m.expanded(c)
		if err != nil {
			return 0, 0, err
		}
		size = addSaturating(size, s)
		height = max(height, h)
	}
	return size, height + 1, nil
}

func addSaturating(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
