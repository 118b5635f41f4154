package manifest

import (
	"strconv"
	"strings"
)

// resolvePlain resolves a plain scalar as yaml.v3 does (YAML 1.2 core schema plus its compatibility forms) and
// converts it as the reference does. ok is false for values the reference rejects (infinities, NaN).
func resolvePlain(s string) (v any, ok bool) {
	if s == "" {
		return nil, true
	}
	switch c := s[0]; {
	case c >= '0' && c <= '9', c == '+', c == '-':
		return resolveNumber(s)
	case c == '.':
		if isNaNOrInf(s) {
			return nil, false
		}
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			f, err := floatValue(s)
			return f, err == nil
		}
	case c == '~', c == 'n', c == 'N':
		if s == "~" || s == "null" || s == "Null" || s == "NULL" {
			return nil, true
		}
	case c == 't', c == 'T':
		if s == "true" || s == "True" || s == "TRUE" {
			return true, true
		}
	case c == 'f', c == 'F':
		if s == "false" || s == "False" || s == "FALSE" {
			return false, true
		}
	}
	return s, true
}

// isNaNOrInf reports the scalars yaml.v3 resolves as infinities or NaN, which have no JSON form.
func isNaNOrInf(s string) bool {
	switch s {
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return true
	}
	return false
}

// resolveNumber resolves a plain scalar that starts with a digit or a sign: a timestamp (kept as text), an integer,
// a float, or text.
func resolveNumber(s string) (any, bool) {
	if isNaNOrInf(s) {
		return nil, false
	}
	if isTimestampLike(s) || !numberChars(s) {
		return s, true
	}
	plain := strings.ReplaceAll(s, "_", "")
	if i, err := strconv.ParseInt(plain, 0, 64); err == nil {
		return i, true
	}
	if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
		return intValue(s), true
	}
	if yamlStyleFloat(plain) {
		if _, err := strconv.ParseFloat(plain, 64); err == nil {
			f, err := floatValue(s)
			return f, err == nil
		}
	}
	if prefixedInt(plain) {
		return intValue(s), true
	}
	return s, true
}

// isTimestampLike reports whether s starts with four digits and a dash: yaml.v3 resolves such scalars as timestamps
// or, failing that, as strings; both convert to the text.
func isTimestampLike(s string) bool {
	return len(s) > 4 && s[4] == '-' && strings.Trim(s[:4], "0123456789") == ""
}

// numberChars reports whether every byte of s may occur in a number yaml.v3 resolves; anything else is text.
func numberChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		case c == 'x', c == 'X', c == 'o', c == 'O', c == '+', c == '-', c == '.', c == '_':
		default:
			return false
		}
	}
	return true
}

// prefixedInt mirrors yaml.v3's last resort for "0b"/"-0b"/"0o"/"-0o" integers that strconv's base-0 parsing refused.
func prefixedInt(plain string) bool {
	switch {
	case strings.HasPrefix(plain, "0b"):
		if parsesInt(plain[2:], 2) || parsesUint(plain[2:], 2) {
			return true
		}
	case strings.HasPrefix(plain, "-0b"):
		if parsesInt("-"+plain[3:], 2) {
			return true
		}
	}
	switch {
	case strings.HasPrefix(plain, "0o"):
		return parsesInt(plain[2:], 8) || parsesUint(plain[2:], 8)
	case strings.HasPrefix(plain, "-0o"):
		return parsesInt("-"+plain[3:], 8)
	}
	return false
}

func parsesInt(s string, base int) bool {
	_, err := strconv.ParseInt(s, base, 64)
	return err == nil
}

func parsesUint(s string, base int) bool {
	_, err := strconv.ParseUint(s, base, 64)
	return err == nil
}

// yamlStyleFloat matches ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$, the float syntax yaml.v3 accepts.
func yamlStyleFloat(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	intDigits := countDigits(s)
	s = s[intDigits:]
	if s != "" && s[0] == '.' {
		frac := countDigits(s[1:])
		if intDigits == 0 && frac == 0 {
			return false
		}
		s = s[1+frac:]
	} else if intDigits == 0 {
		return false
	}
	if s == "" {
		return true
	}
	if s[0] != 'e' && s[0] != 'E' {
		return false
	}
	s = s[1:]
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	return s != "" && countDigits(s) == len(s)
}

func countDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
