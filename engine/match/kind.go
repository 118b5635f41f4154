package match

import (
	"errors"
	"fmt"
	"strings"

	"github.com/bylaw-dev/bylaw/engine/wildcard"
)

// KindSelector is one `kinds` entry, parsed once: the engine matches with it, and the store's index, webhook
// registration, the scanner and the generate controller read it. Missing group and version are "*"; a missing
// subresource is "" (no subresource).
type KindSelector struct {
	// Raw is the entry as written ("Pod", "apps/v1/Deployment", "Pod.exec", "*/scale").
	Raw                               string
	Group, Version, Kind, Subresource string
}

// String returns the entry as written.
func (s KindSelector) String() string { return s.Raw }

// ExactKind returns the one kind the selector names, or "" when its kind is a wildcard or a pattern ("*", "Config*").
func (s KindSelector) ExactKind() string {
	if wildcard.Has(s.Kind) {
		return ""
	}
	return s.Kind
}

// kindSelector is one compiled entry of `kinds`.
type kindSelector struct {
	raw                               string
	group, version, kind, subresource pattern
}

// ParseKindSelector splits a kinds entry into group, version, kind and
// subresource the way Kyverno does: parts are separated by "/", and the last
// part may carry the subresource after a "." (every "." in it splits).
func ParseKindSelector(raw string) (KindSelector, error) {
	if raw == "" {
		return KindSelector{}, errors.New("empty kind")
	}
	parts := strings.Split(raw, "/")
	parts = append(parts[:len(parts)-1], strings.Split(parts[len(parts)-1], ".")...)
	for _, p := range parts {
		if p == "" {
			return KindSelector{}, fmt.Errorf("kind %q has an empty part", raw)
		}
	}
	s := KindSelector{Raw: raw, Group: "*", Version: "*"}
	switch len(parts) {
	case 1:
		s.Kind = parts[0]
	case 2:
		s.Group, s.Version, s.Kind, s.Subresource = splitTwoPartKind(parts[0], parts[1])
	case 3:
		if isVersionPart(parts[0]) {
			s.Version, s.Kind, s.Subresource = parts[0], parts[1], parts[2]
		} else {
			s.Group, s.Version, s.Kind = parts[0], parts[1], parts[2]
		}
	case 4:
		s.Group, s.Version, s.Kind, s.Subresource = parts[0], parts[1], parts[2], parts[3]
	default:
		return KindSelector{}, fmt.Errorf("kind %q has more than 4 parts", raw)
	}
	return s, nil
}

// splitTwoPartKind reads "*/*", "*/subresource", "Version/Kind" or
// "Kind/subresource".
func splitTwoPartKind(first, second string) (group, version, kind, sub string) {
	switch {
	case first == "*" && second == "*":
		return "*", "*", "*", "*"
	case first == "*" && strings.ToLower(second) == second:
		return "*", "*", "*", second
	case isVersionPart(first):
		return "*", first, second, ""
	default:
		return "*", "*", first, second
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
	s, err := ParseKindSelector(raw)
	if err != nil {
		return kindSelector{}, err
	}
	return kindSelector{
		raw:         raw,
		group:       compilePattern(s.Group),
		version:     compilePattern(s.Version),
		kind:        compilePattern(s.Kind),
		subresource: compilePattern(s.Subresource),
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
