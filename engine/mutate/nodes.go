package mutate

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	yaml "go.yaml.in/yaml/v3"
)

// YAML core tags of the nodes built from decoded values, as a YAML parser resolves them from the resource's JSON.
const (
	tagMap   = "!!map"
	tagSeq   = "!!seq"
	tagStr   = "!!str"
	tagInt   = "!!int"
	tagFloat = "!!float"
	tagBool  = "!!bool"
	tagNull  = "!!null"
)

// toNode builds the YAML node tree Kyverno gets by parsing the value's JSON encoding: map keys sorted, numbers
// written as encoding/json writes them.
func toNode(v any) (*yaml.Node, error) {
	switch t := v.(type) {
	case map[string]any:
		return mapToNode(t)
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: tagSeq, Content: make([]*yaml.Node, 0, len(t))}
		for i, e := range t {
			c, err := toNode(e)
			if err != nil {
				return nil, fmt.Errorf("[%d]: %w", i, err)
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case string:
		// Quoted, as the JSON it stands for: kustomize then need not parse the text to tell whether YAML 1.1 would
		// read it as a string.
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tagStr, Value: t, Style: yaml.DoubleQuotedStyle}, nil
	case bool:
		return scalar(tagBool, strconv.FormatBool(t)), nil
	case nil:
		return scalar(tagNull, "null"), nil
	case int64:
		return scalar(tagInt, strconv.FormatInt(t, 10)), nil
	case int:
		return scalar(tagInt, strconv.Itoa(t)), nil
	case int32:
		return scalar(tagInt, strconv.FormatInt(int64(t), 10)), nil
	case uint64:
		return scalar(tagInt, strconv.FormatUint(t, 10)), nil
	case float64:
		return floatNode(t)
	case float32:
		return floatNode(float64(t))
	default:
		return nil, fmt.Errorf("unsupported value type %T", v)
	}
}

func mapToNode(m map[string]any) (*yaml.Node, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	n := &yaml.Node{Kind: yaml.MappingNode, Tag: tagMap, Content: make([]*yaml.Node, 0, 2*len(m))}
	for _, k := range keys {
		c, err := toNode(m[k])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
		n.Content = append(n.Content, scalar(tagStr, k), c)
	}
	return n, nil
}

func scalar(tag, value string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}

// floatNode writes f as encoding/json does; a whole number then reads back as an integer, as in Kyverno.
func floatNode(f float64) (*yaml.Node, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("unsupported number %v", f)
	}
	abs := math.Abs(f)
	if abs < 1e21 && f == math.Trunc(f) {
		return scalar(tagInt, strconv.FormatFloat(f, 'f', -1, 64)), nil
	}
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	s := strconv.FormatFloat(f, format, -1, 64)
	if format == 'e' {
		// encoding/json writes 1e-07 as 1e-7.
		if n := len(s); n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	return scalar(tagFloat, s), nil
}

// errDuplicateKey is a map node holding a key twice, which Kyverno fails to decode.
var errDuplicateKey = errors.New("mapping key already defined")

// fromNode turns a node tree back into decoded values (integers as int64), as Kyverno reads the merged YAML.
func fromNode(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromNode(n.Content[0])
	case yaml.MappingNode:
		return mapFromNode(n)
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := fromNode(c)
			if err != nil {
				return nil, err
			}
			l[i] = v
		}
		return l, nil
	case yaml.ScalarNode:
		return scalarValue(n), nil
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, nil
		}
		return fromNode(n.Alias)
	default:
		return nil, nil
	}
}

func mapFromNode(n *yaml.Node) (map[string]any, error) {
	m := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i].Value
		if _, dup := m[key]; dup {
			return nil, fmt.Errorf("%w: %q", errDuplicateKey, key)
		}
		v, err := fromNode(n.Content[i+1])
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
	return m, nil
}

// scalarValue decodes a scalar by its tag, resolving untagged scalars as YAML does.
func scalarValue(n *yaml.Node) any {
	switch n.ShortTag() {
	case tagNull:
		return nil
	case tagBool:
		if b, err := strconv.ParseBool(n.Value); err == nil {
			return b
		}
	case tagInt:
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	case tagFloat:
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	}
	return n.Value
}

// deepCopy copies a node tree.
func deepCopy(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, e := range n.Content {
			c.Content[i] = deepCopy(e)
		}
	}
	return &c
}

// isNull reports a missing node or one tagged null.
func isNull(n *yaml.Node) bool {
	return n == nil || n.Tag == tagNull
}

// isNilOrEmpty reports a node that is missing, null, an empty map or list, or zero, as kustomize defines it.
func isNilOrEmpty(n *yaml.Node) bool {
	if isNull(n) {
		return true
	}
	switch n.Kind {
	case yaml.MappingNode, yaml.SequenceNode:
		return len(n.Content) == 0
	case 0:
		return n.Style == 0 && n.Tag == "" && n.Value == "" && n.Anchor == "" && n.Alias == nil && n.Content == nil &&
			n.HeadComment == "" && n.LineComment == "" && n.FootComment == "" && n.Line == 0 && n.Column == 0
	default:
		return false
	}
}

// field returns the value of the first entry of key in map node m, or nil when m is no map or lacks the key.
func field(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// fieldNames lists the keys of map node m in order; nil for any other node.
func fieldNames(m *yaml.Node) []string {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	names := make([]string, 0, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		names = append(names, m.Content[i].Value)
	}
	return names
}

// removeField deletes the first entry of key from map node m.
func removeField(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// renameField renames the first entry of key in map node m, in place.
func renameField(m *yaml.Node, key, to string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i].Value = to
			return
		}
	}
}

// setField sets key in map node m to v, replacing the first entry of key or appending one.
func setField(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, scalar(tagStr, key), v)
}

// anchorsOf lists the anchors among the keys of map node m that satisfy keep, in key order.
func anchorsOf(m *yaml.Node, keep func(anchor) bool) []anchor {
	var out []anchor
	for i := 0; m != nil && m.Kind == yaml.MappingNode && i+1 < len(m.Content); i += 2 {
		if a := parseAnchor(m.Content[i].Value); a.kind != 0 && keep(a) {
			out = append(out, a)
		}
	}
	return out
}
