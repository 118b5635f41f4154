package policy

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

// decodeYAMLStream decodes every document of a multi-document YAML stream straight into JSON-compatible values
// (map[string]any, []any, string, int64, float64, bool, nil), without a detour through JSON text. Empty documents are
// skipped; the callback gets the 1-based document number. Decoding stops at the first syntax error, which names its line.
func decodeYAMLStream(data []byte, each func(index int, v any) error) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for index := 1; ; index++ {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("document %d: malformed YAML: %w", index, err)
		}
		if len(node.Content) == 0 {
			index--
			continue
		}
		v, err := nodeValue(node.Content[0], 0)
		if err != nil {
			return fmt.Errorf("document %d: %w", index, err)
		}
		if v == nil {
			index--
			continue
		}
		if err := each(index, v); err != nil {
			return err
		}
	}
}

// maxYAMLDepth bounds nesting (and alias expansion) so a crafted document cannot exhaust the stack.
const maxYAMLDepth = 512

func nodeValue(n *yaml.Node, depth int) (any, error) {
	if depth > maxYAMLDepth {
		return nil, fmt.Errorf("line %d: nesting deeper than %d", n.Line, maxYAMLDepth)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return scalarValue(n)
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := nodeValue(c, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		return mappingValue(n, depth)
	case yaml.AliasNode:
		return nodeValue(n.Alias, depth+1)
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return nodeValue(n.Content[0], depth+1)
	}
	return nil, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

func mappingValue(n *yaml.Node, depth int) (map[string]any, error) {
	out := make(map[string]any, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Tag == "!!merge" {
			if err := mergeInto(out, v, depth); err != nil {
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
		val, err := nodeValue(v, depth+1)
		if err != nil {
			return nil, err
		}
		out[k.Value] = val
	}
	return out, nil
}

// mergeInto applies a YAML merge key (`<<: *anchor`): keys of the merged mapping that are not set yet.
func mergeInto(out map[string]any, v *yaml.Node, depth int) error {
	merged, err := nodeValue(v, depth+1)
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
