package conditions

import "strings"

// valueRange is a set-operator value of the form `low-high` (Kyverno's InRange pattern), for example `1-10`,
// `-5-+5`, `100m-2` or `1h-2h`.
type valueRange struct {
	raw, low, high string
}

// parseRange recognises s as a range: two endpoints separated by '-', each an optional sign (Kyverno's pattern allows
// '-', '|' and '+'), digits, an optional fraction and optional letters.
func parseRange(s string) (valueRange, bool) {
	end := scanEndpoint(s, 0)
	if end < 0 || end >= len(s) || s[end] != '-' {
		return valueRange{}, false
	}
	if scanEndpoint(s, end+1) != len(s) {
		return valueRange{}, false
	}
	return valueRange{raw: s, low: s[:end], high: s[end+1:]}, true
}

// scanEndpoint returns the index just past the endpoint that starts at i, or -1 when none does.
func scanEndpoint(s string, i int) int {
	if i < len(s) && (s[i] == '-' || s[i] == '|' || s[i] == '+') {
		i++
	}
	digits := skipDigits(s, i)
	if digits == i {
		return -1
	}
	i = digits
	if i < len(s) && s[i] == '.' {
		if fraction := skipDigits(s, i+1); fraction > i+1 {
			i = fraction
		}
	}
	for i < len(s) && ('a' <= s[i] && s[i] <= 'z' || 'A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	return i
}

func skipDigits(s string, i int) int {
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
	}
	return i
}

// contains reports whether k lies within the range, bounds included. Like Kyverno, k equal to the range text counts.
func (r valueRange) contains(k string) bool {
	return k == r.raw || boundHolds(k, r.low, greaterOrEqual) && boundHolds(k, r.high, lessOrEqual)
}

// excludes reports whether k lies strictly outside the range (Kyverno's `low!-high` pattern). A k that compares with
// neither bound is neither contained nor excluded.
func (r valueRange) excludes(k string) bool {
	if len(k) == len(r.low)+2+len(r.high) && strings.HasPrefix(k, r.low) && strings.HasSuffix(k, r.high) &&
		k[len(r.low):len(r.low)+2] == "!-" {
		return true
	}
	return boundHolds(k, r.low, less) || boundHolds(k, r.high, greater)
}

// boundHolds compares k with a range bound as durations when both are, else as quantities when both are; text does
// not compare.
func boundHolds(k, bound string, o order) bool {
	if bd, ok := parseDuration(bound); ok {
		if kd, ok := parseDuration(k); ok {
			return o.durations(kd, bd)
		}
	}
	bq, ok := parseQuantity(bound)
	if !ok {
		return false
	}
	kq, ok := parseQuantity(k)
	return ok && o.holds(kq.Cmp(bq))
}
