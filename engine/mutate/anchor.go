package mutate

import "strings"

// anchorKind is the modifier of an overlay map key.
type anchorKind uint8

const (
	anchorCondition       anchorKind = iota + 1 // (key)
	anchorGlobal                                // <(key)
	anchorAddIfNotPresent                       // +(key)
	anchorEquality                              // =(key)
	anchorNegation                              // X(key)
	anchorExistence                             // ^(key)
)

// anchor is a parsed anchored key. The zero value (kind 0) means the key carries no anchor.
type anchor struct {
	kind anchorKind
	key  string
}

// parseAnchor reads a key the way Kyverno's anchor parser does: after trimming spaces it must read `M(key)` with M
// one of `+ < = X ^` or nothing, and key non-empty and on one line.
func parseAnchor(raw string) anchor {
	s := strings.TrimSpace(raw)
	if len(s) < 3 || s[len(s)-1] != ')' {
		return anchor{}
	}
	kind, open := anchorCondition, 0
	switch s[0] {
	case '(':
	case '<':
		kind, open = anchorGlobal, 1
	case '+':
		kind, open = anchorAddIfNotPresent, 1
	case '=':
		kind, open = anchorEquality, 1
	case 'X':
		kind, open = anchorNegation, 1
	case '^':
		kind, open = anchorExistence, 1
	default:
		return anchor{}
	}
	if s[open] != '(' {
		return anchor{}
	}
	key := s[open+1 : len(s)-1]
	if key == "" || strings.IndexByte(key, '\n') >= 0 {
		return anchor{}
	}
	return anchor{kind: kind, key: key}
}

// canonical is the key as Kyverno rebuilds it from the anchor (prefix, parentheses, key), which is how it looks the
// anchored field up again.
func (a anchor) canonical() string {
	switch a.kind {
	case anchorGlobal:
		return "<(" + a.key + ")"
	case anchorAddIfNotPresent:
		return "+(" + a.key + ")"
	case anchorEquality:
		return "=(" + a.key + ")"
	case anchorNegation:
		return "X(" + a.key + ")"
	case anchorExistence:
		return "^(" + a.key + ")"
	default:
		return "(" + a.key + ")"
	}
}

// isCondition reports a conditional or global anchor, the ones that gate the patch.
func (a anchor) isCondition() bool {
	return a.kind == anchorCondition || a.kind == anchorGlobal
}

// isMutationAnchor reports the anchors the preprocessing resolves: conditional, global and add-if-not-present.
func (a anchor) isMutationAnchor() bool {
	return a.isCondition() || a.kind == anchorAddIfNotPresent
}
