package jmespath

import (
	"regexp"
	"strings"
	"sync"
)

// regexCache keeps compiled regular expressions so a pattern is compiled
// once per Interpreter; it stops growing at its limit.
type regexCache struct {
	mu    sync.RWMutex
	limit int
	byPat map[string]*regexp.Regexp
}

func newRegexCache(limit int) *regexCache {
	return &regexCache{limit: limit, byPat: make(map[string]*regexp.Regexp)}
}

func (c *regexCache) compile(pattern string) (*regexp.Regexp, error) {
	c.mu.RLock()
	re, ok := c.byPat[pattern]
	c.mu.RUnlock()
	if ok {
		return re, nil
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.byPat) < c.limit {
		c.byPat[pattern] = re
	}
	c.mu.Unlock()
	return re, nil
}

func (rt *runtime) regexFunctions() []function {
	return []function{
		fn("regex_match", "boolean", "matches a string or number against a regular expression",
			rt.regexMatch, argString, argStrOrNum),
		fn("regex_replace_all", "string", "replaces regular expression matches; the replacement may use $1 or ${name}",
			rt.regexReplace("regex_replace_all", false), argString, argStrOrNum, argStrOrNum),
		fn("regex_replace_all_literal", "string", "replaces regular expression matches with a literal string",
			rt.regexReplace("regex_replace_all_literal", true), argString, argStrOrNum, argStrOrNum),
	}
}

func (rt *runtime) regexMatch(args []any) (any, error) {
	pattern, err := stringArg("regex_match", args, 0)
	if err != nil {
		return nil, err
	}
	text, ok := textOf(args[1])
	if !ok {
		return nil, argTypeError("regex_match", 2, "String or Real")
	}
	re, err := rt.regexes.compile(pattern)
	if err != nil {
		return nil, fnError("regex_match", err)
	}
	return re.MatchString(text), nil
}

func (rt *runtime) regexReplace(name string, literal bool) func([]any) (any, error) {
	return func(args []any) (any, error) {
		pattern, err := stringArg(name, args, 0)
		if err != nil {
			return nil, err
		}
		src, ok := textOf(args[1])
		if !ok {
			return nil, argTypeError(name, 2, "String or Real")
		}
		repl, ok := textOf(args[2])
		if !ok {
			return nil, argTypeError(name, 3, "String or Real")
		}
		re, err := rt.regexes.compile(pattern)
		if err != nil {
			return nil, fnError(name, err)
		}
		if err := checkRegexReplaceSize(name, re, src, repl, literal); err != nil {
			return nil, err
		}
		if literal {
			return re.ReplaceAllLiteralString(src, repl), nil
		}
		return re.ReplaceAllString(src, repl), nil
	}
}

// checkRegexReplaceSize bounds the result of a regex replacement: each match
// adds at most the replacement, whose $ references expand to at most src.
func checkRegexReplaceSize(name string, re *regexp.Regexp, src, repl string, literal bool) error {
	perMatch := int64(len(repl))
	if !literal {
		perMatch += int64(strings.Count(repl, "$")) * int64(len(src))
	}
	if int64(len(src)+1)*(perMatch+1) <= maxResultBytes {
		return nil
	}
	// Only count as many matches as it takes to pass the bound.
	enough := int((maxResultBytes-int64(len(src)))/max(perMatch, 1)) + 1
	return checkReplaceSize(name, src, len(re.FindAllStringIndex(src, max(enough, 1))), perMatch)
}
