package jmespath

import (
	"path"
	"strings"
	"unicode/utf8"
)

func stringFunctions() []function {
	return []function{
		fn("compare", "number", "compares two strings lexicographically", compare, argString, argString),
		fn("equal_fold", "boolean", "compares two strings ignoring letter case", equalFold, argString, argString),
		fn("replace", "string", "replaces a number of instances of the second string with the third in the first (-1 for all)",
			replace, argString, argString, argString, argNumber),
		fn("replace_all", "string", "replaces all instances of the second string with the third in the first",
			replaceAll, argString, argString, argString),
		fn("to_upper", "string", "returns the string in upper case", toUpper, argString),
		fn("to_lower", "string", "returns the string in lower case", toLower, argString),
		fn("trim", "string", "trims both ends of the first string of the characters in the second", trim, argString, argString),
		fn("trim_prefix", "string", "removes the second string from the start of the first", trimPrefix, argString, argString),
		fn("split", "array[string]", "splits the first string around each instance of the second", split, argString, argString),
		fn("truncate", "string", "keeps at most the given number of characters of a string", truncate, argString, argNumber),
		fn("path_canonicalize", "string", "normalizes a path by removing excess slashes and dot elements", pathCanonicalize, argString),
		fn("to_boolean", "boolean", "converts 'true' or 'false' in any letter case to a boolean", toBoolean, argString),
		fn("pattern_match", "boolean", "matches a string or number against a wildcard pattern ('*' any characters, '?' one)",
			patternMatch, argString, argStrOrNum),
	}
}

// stringArgs returns the first count arguments as strings.
func stringArgs(fn string, args []any, count int) ([]string, error) {
	out := make([]string, count)
	for n := range out {
		s, err := stringArg(fn, args, n)
		if err != nil {
			return nil, err
		}
		out[n] = s
	}
	return out, nil
}

func compare(args []any) (any, error) {
	s, err := stringArgs("compare", args, 2)
	if err != nil {
		return nil, err
	}
	return float64(strings.Compare(s[0], s[1])), nil
}

func equalFold(args []any) (any, error) {
	s, err := stringArgs("equal_fold", args, 2)
	if err != nil {
		return nil, err
	}
	return strings.EqualFold(s[0], s[1]), nil
}

func replace(args []any) (any, error) {
	s, err := stringArgs("replace", args, 3)
	if err != nil {
		return nil, err
	}
	n, err := numberArg("replace", args, 3)
	if err != nil {
		return nil, err
	}
	if err := checkReplaceSize("replace", s[0], matchCount(s[0], s[1], int(n)), int64(len(s[2]))); err != nil {
		return nil, err
	}
	return strings.Replace(s[0], s[1], s[2], int(n)), nil
}

func replaceAll(args []any) (any, error) {
	s, err := stringArgs("replace_all", args, 3)
	if err != nil {
		return nil, err
	}
	if err := checkReplaceSize("replace_all", s[0], matchCount(s[0], s[1], -1), int64(len(s[2]))); err != nil {
		return nil, err
	}
	return strings.ReplaceAll(s[0], s[1], s[2]), nil
}

func toUpper(args []any) (any, error) {
	s, err := stringArg("to_upper", args, 0)
	if err != nil {
		return nil, err
	}
	return strings.ToUpper(s), nil
}

func toLower(args []any) (any, error) {
	s, err := stringArg("to_lower", args, 0)
	if err != nil {
		return nil, err
	}
	return strings.ToLower(s), nil
}

func trim(args []any) (any, error) {
	s, err := stringArgs("trim", args, 2)
	if err != nil {
		return nil, err
	}
	return strings.Trim(s[0], s[1]), nil
}

func trimPrefix(args []any) (any, error) {
	s, err := stringArgs("trim_prefix", args, 2)
	if err != nil {
		return nil, err
	}
	return strings.TrimPrefix(s[0], s[1]), nil
}

func split(args []any) (any, error) {
	s, err := stringArgs("split", args, 2)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(s[0], s[1])
	out := make([]any, len(parts))
	for n, p := range parts {
		out[n] = p
	}
	return out, nil
}

// truncate keeps the first n characters (runes); a negative n gives "".
func truncate(args []any) (any, error) {
	s, err := stringArg("truncate", args, 0)
	if err != nil {
		return nil, err
	}
	n, err := numberArg("truncate", args, 1)
	if err != nil {
		return nil, err
	}
	limit := int(max(n, 0))
	if utf8.RuneCountInString(s) <= limit {
		return s, nil
	}
	return string([]rune(s)[:limit]), nil
}

func pathCanonicalize(args []any) (any, error) {
	s, err := stringArg("path_canonicalize", args, 0)
	if err != nil {
		return nil, err
	}
	if s == "" {
		return "", nil
	}
	return path.Clean(s), nil
}

func toBoolean(args []any) (any, error) {
	s, err := stringArg("to_boolean", args, 0)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(s) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return nil, fnErrorf("to_boolean", "lowercase argument must be 'true' or 'false' (provided: '%s')", s)
}

func patternMatch(args []any) (any, error) {
	pattern, err := stringArg("pattern_match", args, 0)
	if err != nil {
		return nil, err
	}
	text, ok := textOf(args[1])
	if !ok {
		return nil, argTypeError("pattern_match", 2, "String or Real")
	}
	return wildcardMatch(pattern, text), nil
}

// wildcardMatch matches text against pattern where '*' stands for any run of
// characters and '?' for exactly one.
func wildcardMatch(pattern, text string) bool {
	p, t := []rune(pattern), []rune(text)
	pi, ti := 0, 0
	star, mark := -1, 0
	for ti < len(t) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, ti
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == t[ti]):
			pi++
			ti++
		case star >= 0:
			pi = star + 1
			mark++
			ti = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
