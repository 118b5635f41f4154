package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// decodeReference is the reference semantics of Decode: yaml.v3 parses the document into nodes, which are measured
// against l (nesting, alias expansion) and then converted into JSON-compatible values with YAML 1.2 core schema
// resolution as yaml.v3 does it. Empty (and null) documents decode as nil; a second non-empty document in doc is an
// error.
func (l Limits) decodeReference(doc []byte) (any, error) {
	l = l.WithDefaults()
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	var out any
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("malformed YAML: %w", err)
		}
		if len(node.Content) == 0 {
			continue
		}
		if err := l.measure(node.Content[0]); err != nil {
			return nil, err
		}
		v, err := nodeValue(node.Content[0])
		if err != nil {
			return nil, err
		}
		if v == nil {
			continue
		}
		if out != nil {
			return nil, fmt.Errorf("line %d: a second YAML document starts here; separate documents with ---", node.Line)
		}
		out = v
	}
}

// nodeValue converts a node that measure accepted, so its expansion is bounded.
func nodeValue(n *yaml.Node) (any, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		return scalarValue(n)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return mappingValue(n)
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return nodeValue(n.Content[0])
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

func mappingValue(n *yaml.Node) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			if err := mergeInto(out, v); err != nil {
				return nil, err
			}
			continue
		}
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: mapping keys must be scalars", k.Line)
		}
		if _, dup := out[k.Value]; dup {
			return nil, fmt.Errorf("line %d: key %q already set", k.Line, k.Value)
		}
		val, err := nodeValue(v)
		if err != nil {
			return nil, err
		}
		out[k.Value] = val
	}
	return out, nil
}

// mergeInto applies a YAML merge key (`<<: *anchor`): keys of the merged mapping that are not set yet.
func mergeInto(out map[string]any, v *yaml.Node) error {
	merged, err := nodeValue(v)
	if err != nil {
		return err
	}
	sources, ok := merged.([]any)
	if !ok {
		sources = []any{merged}
	}
	for _, s := range sources {
		m, ok := s.(map[string]any)
		if !ok {
			return fmt.Errorf("line %d: merge key needs a mapping", v.Line)
		}
		for k, x := range m {
			if _, set := out[k]; !set {
				out[k] = x
			}
		}
	}
	return nil
}

func scalarValue(n *yaml.Node) (any, error) {
	switch n.ShortTag() {
	case "!!null":
		return nil, nil
	case "!!bool":
		return strings.EqualFold(n.Value, "true"), nil
	case "!!int":
		return intValue(n.Value), nil
	case "!!float":
		f, err := floatValue(n.Value)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n.Line, err)
		}
		return f, nil
	}
	return n.Value, nil
}

// intValue converts a scalar resolved as !!int: int64 when it fits, float64 when only a float holds it, else the
// text itself.
func intValue(s string) any {
	clean := strings.ReplaceAll(s, "_", "")
	if i, err := strconv.ParseInt(clean, 0, 64); err == nil {
		return i
	}
	if strings.HasPrefix(clean, "0o") || strings.HasPrefix(clean, "0O") {
		if i, err := strconv.ParseInt(clean[2:], 8, 64); err == nil {
			return i
		}
	}
	if f, err := strconv.ParseFloat(clean, 64); err == nil {
		return f
	}
	return s
}

// floatValue converts a scalar resolved as !!float; infinities and NaN have no JSON form and are errors.
func floatValue(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil {
		return 0, fmt.Errorf("bad number %q", s)
	}
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, fmt.Errorf("number %q cannot be represented in JSON", s)
	}
	return f, nil
}
