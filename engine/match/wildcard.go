package match

import (
	"strings"
	"unicode/utf8"
)

// patternForm is the shape of a compiled wildcard pattern, chosen so that
// the common shapes are checked without the general algorithm.
type patternForm uint8

const (
	formExact     patternForm = iota // no wildcard
	formAny                          // only stars
	formPrefix                       // "lit*"
	formSuffix                       // "*lit"
	formContains                     // "*lit*"
	formAtLeast                      // only "?" and "*", with a star: "?*"
	formRuneCount                    // only "?": "???"
	formGlob                         // anything else
)

// pattern is a compiled wildcard: `*` matches any run of characters (also
// none), `?` exactly one character.
type pattern struct {
	raw   string
	lit   string
	runes int // number of "?" for formAtLeast and formRuneCount
	form  patternForm
}

// compilePattern classifies raw once so that matching is cheap.
func compilePattern(raw string) pattern {
	p := pattern{raw: raw, lit: raw, form: formExact}
	if !strings.ContainsAny(raw, "*?") {
		return p
	}
	if strings.Trim(raw, "*") == "" {
		p.form = formAny
		return p
	}
	if strings.Trim(raw, "*?") == "" {
		return compileRunePattern(raw)
	}
	p.form = formGlob
	if strings.Contains(raw, "?") {
		return p
	}
	inner := strings.Trim(raw, "*")
	if strings.Contains(inner, "*") {
		return p
	}
	lead := raw[0] == '*'
	trail := raw[len(raw)-1] == '*'
	p.lit = inner
	switch {
	case lead && trail:
		p.form = formContains
	case lead:
		p.form = formSuffix
	default:
		p.form = formPrefix
	}
	return p
}

// compileRunePattern compiles a pattern made only of "?" and "*": it
// matches on the number of characters alone.
func compileRunePattern(raw string) pattern {
	p := pattern{raw: raw, runes: strings.Count(raw, "?"), form: formRuneCount}
	if strings.Contains(raw, "*") {
		p.form = formAtLeast
	}
	return p
}

// isWildcard reports whether the pattern holds a wildcard character.
func (p *pattern) isWildcard() bool { return p.form != formExact }

// match reports whether s matches the pattern.
func (p *pattern) match(s string) bool {
	switch p.form {
	case formExact:
		return s == p.lit
	case formAny:
		return true
	case formPrefix:
		return strings.HasPrefix(s, p.lit)
	case formSuffix:
		return strings.HasSuffix(s, p.lit)
	case formContains:
		return strings.Contains(s, p.lit)
	case formAtLeast:
		return len(s) >= p.runes && utf8.RuneCountInString(s) >= p.runes
	case formRuneCount:
		return len(s) >= p.runes && utf8.RuneCountInString(s) == p.runes
	default:
		return globMatch(p.raw, s)
	}
}

// globMatch matches s against a pattern of literal characters, `*` and `?`
// in linear space, backtracking only to the last star.
func globMatch(pat, s string) bool {
	px, sx := 0, 0
	starPx, starSx := -1, 0
	for px < len(pat) || sx < len(s) {
		if px < len(pat) {
			switch c := pat[px]; c {
			case '*':
				starPx, starSx = px, sx
				px++
				continue
			case '?':
				if sx < len(s) {
					_, w := utf8.DecodeRuneInString(s[sx:])
					px++
					sx += w
					continue
				}
			default:
				if sx < len(s) && s[sx] == c {
					px++
					sx++
					continue
				}
			}
		}
		if starPx < 0 || starSx >= len(s) {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starSx:])
		starSx += w
		px, sx = starPx+1, starSx
	}
	return true
}

// patterns is a list of wildcards that matches when any of them does.
type patterns []pattern

// compilePatterns compiles every entry of raw.
func compilePatterns(raw []string) patterns {
	if len(raw) == 0 {
		return nil
	}
	out := make(patterns, len(raw))
	for i, r := range raw {
		out[i] = compilePattern(r)
	}
	return out
}

// matchAny reports whether s matches one of the patterns.
func (ps patterns) matchAny(s string) bool {
	for i := range ps {
		if ps[i].match(s) {
			return true
		}
	}
	return false
}

// raws returns the source text of the patterns, for messages.
func (ps patterns) raws() []string {
	out := make([]string, len(ps))
	for i := range ps {
		out[i] = ps[i].raw
	}
	return out
}
