package pattern

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/bylaw-dev/bylaw/engine/wildcard"
)

// compileNode compiles the pattern value p found at the dotted pattern path at.
func compileNode(p any, at string) (node, error) {
	switch typed := p.(type) {
	case map[string]any:
		return compileMap(typed, at)
	case []any:
		return compileList(typed, at)
	default:
		l, ok := compileLeaf(p)
		if !ok {
			return nil, fmt.Errorf("pattern %s: %w: %T", describeAt(at), ErrUnsupportedType, p)
		}
		return &leafNode{leaf: l}, nil
	}
}

// compileMap compiles every key of a pattern map and fixes the order in which Kyverno evaluates them.
func compileMap(p map[string]any, at string) (*mapNode, error) {
	entries := make([]entry, 0, len(p))
	for raw, value := range p {
		e, err := compileEntry(raw, value, keyPath(at, raw))
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool {
		ri, rj := entries[i].rank(), entries[j].rank()
		if ri != rj {
			return ri < rj
		}
		return entries[i].raw < entries[j].raw
	})
	return &mapNode{entries: entries}, nil
}

// compileEntry compiles one key of a pattern map and its value.
func compileEntry(raw string, value any, at string) (entry, error) {
	kind, key := parseAnchor(raw)
	e := entry{raw: raw, key: key, kind: kind, glob: wildcard.Has(key), nested: hasNestedAnchors(value)}
	if s, ok := value.(string); ok && s == "*" && kind == anchorNone {
		e.presence = true
	}
	if kind == anchorExistence {
		return compileExistence(e, value, at)
	}
	n, err := compileNode(value, at)
	if err != nil {
		return entry{}, err
	}
	e.value = n
	return e, nil
}

// compileExistence compiles the value of `^(key)`: a non-empty list of maps.
func compileExistence(e entry, value any, at string) (entry, error) {
	list, ok := value.([]any)
	if !ok {
		return entry{}, fmt.Errorf("pattern %s: %w: existence anchor value must be a list, found %s",
			at, ErrBadAnchor, describeType(value))
	}
	if len(list) == 0 {
		return entry{}, fmt.Errorf("pattern %s: %w: existence anchor list must not be empty", at, ErrBadAnchor)
	}
	for i, item := range list {
		itemAt := at + "[" + strconv.Itoa(i) + "]"
		m, ok := item.(map[string]any)
		if !ok {
			// Kyverno accepts the policy and fails any resource that holds the key; keep that behaviour.
			if _, err := compileNode(item, itemAt); err != nil {
				return entry{}, err
			}
			e.badItem = item
			continue
		}
		n, err := compileMap(m, itemAt)
		if err != nil {
			return entry{}, err
		}
		e.items = append(e.items, n)
	}
	return e, nil
}

// compileList compiles a pattern list and picks how it is compared with resource lists.
func compileList(p []any, at string) (*listNode, error) {
	n := &listNode{}
	for i, item := range p {
		c, err := compileNode(item, at+"["+strconv.Itoa(i)+"]")
		if err != nil {
			return nil, err
		}
		n.items = append(n.items, c)
	}
	switch {
	case len(p) == 0:
		n.kind = listEmpty
	case isMap(p[0]):
		n.kind = listOfMaps
	case isList(p[0]):
		n.kind = listPositional
	default:
		n.kind = listOfScalars
	}
	return n, nil
}

func isMap(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

func isList(v any) bool {
	_, ok := v.([]any)
	return ok
}

// keyPath appends a map key to a dotted pattern path, quoting keys that hold dots.
func keyPath(at, key string) string {
	if strings.ContainsAny(key, ".\"") {
		key = strconv.Quote(key)
	}
	if at == "" {
		return key
	}
	return at + "." + key
}

func describeAt(at string) string {
	if at == "" {
		return "(root)"
	}
	return at
}
