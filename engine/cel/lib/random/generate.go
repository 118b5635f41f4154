package random

import (
	"fmt"
	"math/rand/v2"
	"regexp/syntax"
	"strings"
	"unicode"
)

const (
	// maxExtraRepeats is how many repetitions beyond the minimum an unbounded repetition may generate.
	maxExtraRepeats = 10
	// maxOutput bounds the characters one call generates.
	maxOutput = 10000
	// defaultPattern is the pattern of random() without argument.
	defaultPattern = "[0-9a-z]{8}"
)

// Generate returns a random string matched by pattern.
func Generate(pattern string) (string, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("random: invalid pattern %q: %w", pattern, err)
	}
	g := generator{}
	if err := g.gen(re.Simplify()); err != nil {
		return "", err
	}
	return g.out.String(), nil
}

type generator struct {
	out strings.Builder
	n   int
}

func (g *generator) emit(r rune) error {
	if g.n++; g.n > maxOutput {
		return fmt.Errorf("random: the pattern generates more than %d characters", maxOutput)
	}
	g.out.WriteRune(r)
	return nil
}

func (g *generator) gen(re *syntax.Regexp) error {
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			if err := g.emit(foldCase(r, re.Flags)); err != nil {
				return err
			}
		}
	case syntax.OpCharClass:
		return g.emit(pick(re.Rune))
	case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
		return g.emit(rune(' ' + rand.IntN('~'-' '+1)))
	case syntax.OpCapture:
		return g.gen(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if err := g.gen(sub); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		return g.gen(re.Sub[rand.IntN(len(re.Sub))])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		return g.repeat(re)
	}
	// Empty matches, anchors and word boundaries generate nothing.
	return nil
}

func (g *generator) repeat(re *syntax.Regexp) error {
	lo, hi := re.Min, re.Max
	switch re.Op {
	case syntax.OpStar:
		lo, hi = 0, -1
	case syntax.OpPlus:
		lo, hi = 1, -1
	case syntax.OpQuest:
		lo, hi = 0, 1
	}
	if hi < 0 {
		hi = lo + maxExtraRepeats
	}
	for range lo + rand.IntN(hi-lo+1) {
		if err := g.gen(re.Sub[0]); err != nil {
			return err
		}
	}
	return nil
}

// pick returns a random rune of a character class given as ranges [lo0, hi0, lo1, hi1, ...], weighted by size.
func pick(ranges []rune) rune {
	var total int
	for i := 0; i+1 < len(ranges); i += 2 {
		total += int(ranges[i+1]-ranges[i]) + 1
	}
	if total == 0 {
		return '?'
	}
	n := rand.IntN(total)
	for i := 0; i+1 < len(ranges); i += 2 {
		size := int(ranges[i+1]-ranges[i]) + 1
		if n < size {
			return ranges[i] + rune(n)
		}
		n -= size
	}
	return ranges[0]
}

// foldCase picks a random case for a case-insensitive literal.
func foldCase(r rune, flags syntax.Flags) rune {
	if flags&syntax.FoldCase == 0 || rand.IntN(2) == 0 {
		return r
	}
	return unicode.SimpleFold(r)
}
