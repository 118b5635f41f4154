package jmespath

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp/syntax"
	"strings"
)

const (
	// maxUnboundedRepeat is how many times '*', '+' and '{n,}' may repeat.
	maxUnboundedRepeat = 10
	// maxRandomLength bounds the text random() may produce.
	maxRandomLength = 64 << 10
)

var errRandomTooLong = fmt.Errorf("generated text exceeds %d bytes", maxRandomLength)

// random generates a string matching a regular expression, e.g. '[a-z0-9]{6}'.
func (rt *runtime) random(args []any) (any, error) {
	pattern, err := stringArg("random", args, 0)
	if err != nil {
		return nil, err
	}
	if pattern == "" {
		return nil, fnError("random", errors.New("no pattern provided"))
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, fnError("random", err)
	}
	if rt.settings.random != nil {
		rt.rngMu.Lock()
		defer rt.rngMu.Unlock()
		return generate(re, rand.New(rt.settings.random).IntN)
	}
	return generate(re, rand.IntN)
}

func generate(re *syntax.Regexp, intn func(int) int) (any, error) {
	g := generator{intn: intn}
	if err := g.emit(re); err != nil {
		return nil, fnError("random", err)
	}
	return g.out.String(), nil
}

// generator writes one random string matched by a parsed expression.
type generator struct {
	intn func(int) int
	out  strings.Builder
}

func (g *generator) emit(re *syntax.Regexp) error {
	if g.out.Len() > maxRandomLength {
		return errRandomTooLong
	}
	switch re.Op {
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			g.out.WriteRune(r)
		}
	case syntax.OpCharClass:
		g.out.WriteRune(g.pick(re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		g.out.WriteRune(rune(' ' + g.intn('~'-' '+1)))
	case syntax.OpCapture:
		return g.emit(re.Sub[0])
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if err := g.emit(sub); err != nil {
				return err
			}
		}
	case syntax.OpAlternate:
		return g.emit(re.Sub[g.intn(len(re.Sub))])
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		return g.repeat(re)
	case syntax.OpNoMatch:
		return errors.New("pattern matches nothing")
	}
	return nil
}

func (g *generator) repeat(re *syntax.Regexp) error {
	least, most := re.Min, re.Max
	switch re.Op {
	case syntax.OpStar:
		least, most = 0, maxUnboundedRepeat
	case syntax.OpPlus:
		least, most = 1, maxUnboundedRepeat
	case syntax.OpQuest:
		least, most = 0, 1
	}
	if most < 0 {
		most = least + maxUnboundedRepeat
	}
	count := least + g.intn(most-least+1)
	for range count {
		if err := g.emit(re.Sub[0]); err != nil {
			return err
		}
	}
	return nil
}

// pick returns a rune from a class given as [lo, hi] pairs.
func (g *generator) pick(ranges []rune) rune {
	total := 0
	for n := 0; n+1 < len(ranges); n += 2 {
		total += int(ranges[n+1]-ranges[n]) + 1
	}
	if total == 0 {
		return 0
	}
	at := g.intn(total)
	for n := 0; n+1 < len(ranges); n += 2 {
		size := int(ranges[n+1]-ranges[n]) + 1
		if at < size {
			return ranges[n] + rune(at)
		}
		at -= size
	}
	return ranges[0]
}
