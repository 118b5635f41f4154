package pattern

import (
	"strings"
	"time"

	"github.com/bylaw-dev/bylaw/engine/wildcard"
	"k8s.io/apimachinery/pkg/api/resource"
)

// operator is the comparison a string pattern term asks for.
type operator uint8

const (
	opEqual operator = iota
	opNotEqual
	opMore
	opMoreEqual
	opLess
	opLessEqual
	opInRange
	opNotInRange
)

// holds reports whether a three-way comparison result (-1, 0, 1) satisfies the operator.
func (op operator) holds(cmp int) bool {
	switch op {
	case opEqual:
		return cmp == 0
	case opNotEqual:
		return cmp != 0
	case opMore:
		return cmp > 0
	case opMoreEqual:
		return cmp >= 0
	case opLess:
		return cmp < 0
	case opLessEqual:
		return cmp <= 0
	default:
		return false
	}
}

// term is one operator and operand of a string pattern, with the operand pre-parsed as a duration and a quantity.
type term struct {
	op      operator
	operand string
	glob    bool // operand holds `*` or `?`
	dur     time.Duration
	qty     resource.Quantity
	isDur   bool
	isQty   bool
	bounds  []term // the two bound terms of a range
}

// alternative is a conjunction of terms (`a & b`).
type alternative []term

// compileAlternatives splits a string pattern into `|` alternatives of `&` terms, trimming spaces around each part,
// as Kyverno does.
func compileAlternatives(s string) []alternative {
	ors := strings.Split(s, "|")
	alts := make([]alternative, 0, len(ors))
	for _, or := range ors {
		ands := strings.Split(strings.Trim(or, " "), "&")
		alt := make(alternative, 0, len(ands))
		for _, and := range ands {
			alt = append(alt, compileTerm(strings.Trim(and, " ")))
		}
		alts = append(alts, alt)
	}
	return alts
}

// compileTerm parses one condition: a prefix operator, a range, or a plain operand.
func compileTerm(cond string) term {
	op, operand := splitOperator(cond)
	if op != opEqual || len(cond) < 2 {
		return newTerm(op, operand)
	}
	if lo, hi, negated, ok := splitRange(cond); ok {
		if negated {
			return term{op: opNotInRange, operand: cond, bounds: []term{newTerm(opLess, lo), newTerm(opMore, hi)}}
		}
		return term{op: opInRange, operand: cond, bounds: []term{newTerm(opMoreEqual, lo), newTerm(opLessEqual, hi)}}
	}
	return newTerm(opEqual, operand)
}

// splitOperator returns the prefix operator of cond and the trimmed operand after it. Conditions shorter than two
// characters are always plain operands.
func splitOperator(cond string) (operator, string) {
	if len(cond) < 2 {
		return opEqual, strings.TrimSpace(cond)
	}
	prefixes := [...]struct {
		text string
		op   operator
	}{{">=", opMoreEqual}, {"<=", opLessEqual}, {">", opMore}, {"<", opLess}, {"!", opNotEqual}}
	for _, p := range prefixes {
		if strings.HasPrefix(cond, p.text) {
			return p.op, strings.TrimSpace(cond[len(p.text):])
		}
	}
	return opEqual, strings.TrimSpace(cond)
}

// newTerm pre-parses operand as a duration and as a quantity.
func newTerm(op operator, operand string) term {
	t := term{op: op, operand: operand, glob: wildcard.Has(operand)}
	if d, err := time.ParseDuration(operand); err == nil {
		t.dur, t.isDur = d, true
	}
	if q, err := resource.ParseQuantity(operand); err == nil {
		t.qty, t.isQty = q, true
	}
	return t
}

// splitRange parses `lo-hi` and `lo!-hi`, where each bound is an optionally signed decimal number followed by
// letters (a unit or quantity suffix), the grammar of Kyverno's range operators.
func splitRange(cond string) (lo, hi string, negated, ok bool) {
	n := scanRangeBound(cond)
	if n == 0 {
		return "", "", false, false
	}
	rest := cond[n:]
	switch {
	case strings.HasPrefix(rest, "!-"):
		negated, rest = true, rest[2:]
	case strings.HasPrefix(rest, "-"):
		rest = rest[1:]
	default:
		return "", "", false, false
	}
	if m := scanRangeBound(rest); m == 0 || m != len(rest) {
		return "", "", false, false
	}
	return cond[:n], rest, negated, true
}

// scanRangeBound returns the length of the prefix of s matching `[-|+]?\d+(\.\d+)?[A-Za-z]*`, or 0.
func scanRangeBound(s string) int {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+' || s[i] == '|') {
		i++
	}
	start := i
	i += countDigits(s[i:])
	if i == start {
		return 0
	}
	if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
		i++
		i += countDigits(s[i:])
	}
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	return i
}

func countDigits(s string) int {
	n := 0
	for n < len(s) && isDigit(s[n]) {
		n++
	}
	return n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
