package match

import (
	"errors"
	"fmt"
	"strings"
)

// kindSelector is one compiled entry of `kinds`.
type kindSelector struct {
	raw                               string
	group, version, kind, subresource pattern
}

// ParseKindSelector splits a kinds entry into group, version, kind and
// subresource the way Kyverno does: parts are separated by "/", and the last
// part may carry the subresource after a "." (every "." in it splits).
// Missing group and version are wildcards; a missing subresource is ""
// (no subresource).
func ParseKindSelector(raw string) (group, version, kind, sub string, err error) {
	if raw == "" {
		return "", "", "", "", errors.New("empty kind")
	}
	parts := strings.Split(raw, "/")
	parts = append(parts[:len(parts)-1], strings.Split(parts[len(parts)-1], ".")...)
	for _, p := range parts {
		if p == "" {
			return "", "", "", "", fmt.Errorf("kind %q has an empty part", raw)
		}
	}
	switch len(parts) {
	case 1:
		return "*", "*", parts[0], "", nil
	case 2:
		return splitTwoPartKind(parts[0], parts[1])
	case 3:
		if isVersionPart(parts[0]) {
			return "*", parts[0], parts[1], parts[2], nil
		}
		return parts[0], parts[1], parts[2], "", nil
	case 4:
		return parts[0], parts[1], parts[2], parts[3], nil
	default:
		return "", "", "", "", fmt.Errorf("kind %q has more than 4 parts", raw)
	}
}

// splitTwoPartKind reads "*/*", "*/subresource", "Version/Kind" or
// "Kind/subresource".
func splitTwoPartKind(first, second string) (group, version, kind, sub string, err error) {
	switch {
	case first == "*" && second == "*":
		return "*", "*", "*", "*", nil
	case first == "*" && strings.ToLower(second) == second:
		return "*", "*", "*", second, nil
	case isVersionPart(first):
		return "*", first, second, "", nil
	default:
		return "*", "*", first, second, nil
	}
}

// isVersionPart reports whether s reads as an API version (v1, v2beta1, ...)
// or the wildcard "*".
func isVersionPart(s string) bool {
	if s == "*" {
		return true
	}
	if len(s) < 2 || s[0] != 'v' {
		return false
	}
	rest, n := skipDigits(s[1:])
	if n == 0 {
		return false
	}
	if rest == "" {
		return true
	}
	for _, tag := range []string{"alpha", "beta"} {
		if after, ok := strings.CutPrefix(rest, tag); ok {
			tail, m := skipDigits(after)
			return m > 0 && tail == ""
		}
	}
	return false
}

// skipDigits drops leading ASCII digits from s and says how many it dropped.
func skipDigits(s string) (string, int) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[i:], i
}

// compileKindSelector parses and compiles one kinds entry.
func compileKindSelector(raw string) (kindSelector, error) {
	g, v, k, s, err := ParseKindSelector(raw)
	if err != nil {
		return kindSelector{}, err
	}
	return kindSelector{
		raw:         raw,
		group:       compilePattern(g),
		version:     compilePattern(v),
		kind:        compilePattern(k),
		subresource: compilePattern(s),
	}, nil
}

// match reports whether the selector selects the resource's GVK and
// subresource. A selector without subresource also selects the
// pods/ephemeralcontainers subresource of a v1 Pod, as Kyverno does for
// policy rules.
func (ks *kindSelector) match(r *Resource) bool {
	if !ks.kind.match(r.Kind) || !ks.version.match(r.Version) || !ks.group.match(r.Group) {
		return false
	}
	if ks.subresource.match(r.Subresource) {
		return true
	}
	return r.Subresource == "ephemeralcontainers" && r.Kind == "Pod" &&
		r.Group == "" && r.Version == "v1"
}

// kindSelectors is a compiled `kinds` list.
type kindSelectors []kindSelector

// matchAny reports whether one of the selectors selects r.
func (ks kindSelectors) matchAny(r *Resource) bool {
	for i := range ks {
		if ks[i].match(r) {
			return true
		}
	}
	return false
}

// raws returns the kinds as written, for messages.
func (ks kindSelectors) raws() []string {
	out := make([]string, len(ks))
	for i := range ks {
		out[i] = ks[i].raw
	}
	return out
}
