package pattern

import "strings"

// anchorKind is the modifier carried by a pattern map key.
type anchorKind uint8

const (
	anchorNone            anchorKind = iota // key
	anchorCondition                         // (key)
	anchorEquality                          // =(key)
	anchorNegation                          // X(key)
	anchorExistence                         // ^(key)
	anchorGlobal                            // <(key)
	anchorAddIfNotPresent                   // +(key)
)

// String returns the anchor's name, used in compile errors.
func (k anchorKind) String() string {
	switch k {
	case anchorCondition:
		return "conditional anchor"
	case anchorEquality:
		return "equality anchor"
	case anchorNegation:
		return "negation anchor"
	case anchorExistence:
		return "existence anchor"
	case anchorGlobal:
		return "global anchor"
	case anchorAddIfNotPresent:
		return "add-if-not-present anchor"
	default:
		return "key"
	}
}

// parseAnchor splits a pattern key into its anchor and the resource key it names. Like Kyverno, the key is trimmed
// and must read `M(key)` with M one of `=`, `X`, `^`, `<`, `+` or nothing, and a non-empty key on one line;
// anything else is a plain key, returned unchanged.
func parseAnchor(raw string) (anchorKind, string) {
	s := strings.TrimSpace(raw)
	if len(s) < 3 || s[len(s)-1] != ')' || strings.IndexByte(s, '\n') >= 0 {
		return anchorNone, raw
	}
	if s[0] == '(' {
		return anchorCondition, s[1 : len(s)-1]
	}
	if len(s) < 4 || s[1] != '(' {
		return anchorNone, raw
	}
	key := s[2 : len(s)-1]
	switch s[0] {
	case '=':
		return anchorEquality, key
	case 'X':
		return anchorNegation, key
	case '^':
		return anchorExistence, key
	case '<':
		return anchorGlobal, key
	case '+':
		return anchorAddIfNotPresent, key
	default:
		return anchorNone, raw
	}
}

// isValidationAnchor reports whether the anchor is one Kyverno counts when it looks for anchors nested in a value
// (every anchor but add-if-not-present, which belongs to mutation).
func (k anchorKind) isValidationAnchor() bool {
	return k != anchorNone && k != anchorAddIfNotPresent
}

// evaluatedFirst reports whether Kyverno evaluates the anchor before the other keys of its map.
func (k anchorKind) evaluatedFirst() bool {
	switch k {
	case anchorCondition, anchorEquality, anchorNegation, anchorExistence:
		return true
	default:
		return false
	}
}

// hasNestedAnchors reports whether a raw pattern value holds a validation anchor at any depth.
func hasNestedAnchors(v any) bool {
	switch typed := v.(type) {
	case map[string]any:
		for key, value := range typed {
			if kind, _ := parseAnchor(key); kind.isValidationAnchor() || hasNestedAnchors(value) {
				return true
			}
		}
	case []any:
		for _, value := range typed {
			if hasNestedAnchors(value) {
				return true
			}
		}
	}
	return false
}
