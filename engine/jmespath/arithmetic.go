package jmespath

import (
	"errors"
	"math"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
)

// operandKind is what an arithmetic argument is taken to be.
type operandKind int

const (
	scalarKind operandKind = iota
	quantityKind
	durationKind
)

// operand is one argument of add, subtract, multiply, divide, modulo or sum:
// a number (given as a JSON number), or a string that parses as a Kubernetes
// quantity ('10Mi') or a duration ('10s').
type operand struct {
	kind     operandKind
	scalar   float64
	quantity resource.Quantity
	duration time.Duration
}

// candidate records every reading of one argument before the pair is resolved.
type candidate struct {
	operand
	isQuantity, isDuration bool
}

func arithmeticFunctions() []function {
	return []function{
		fn("add", "any", "adds two numbers, quantities or durations", arith("add", addOperands), argAny, argAny),
		fn("subtract", "any", "subtracts two numbers, quantities or durations", arith("subtract", subtractOperands), argAny, argAny),
		fn("multiply", "any", "multiplies a number, quantity or duration by a number", arith("multiply", multiplyOperands), argAny, argAny),
		fn("divide", "any", "divides numbers, quantities or durations; the divisor must not be zero",
			arith("divide", divideOperands), argAny, argAny),
		fn("modulo", "any", "remainder of integer numbers, quantities or durations; the divisor must not be zero",
			arith("modulo", moduloOperands), argAny, argAny),
		fn("sum", "any", "adds all numbers, quantities or durations of an array (of one kind)", sum, argArray),
		fn("round", "number", "rounds a number to the given number of decimal places", round, argNumber, argNumber),
	}
}

type binaryOp func(name string, a, b *operand) (any, error)

func arith(name string, op binaryOp) func([]any) (any, error) {
	return func(args []any) (any, error) {
		if len(args) != 2 {
			return nil, fnErrorf(name, "expects 2 arguments, got %d", len(args))
		}
		a, b, err := parseOperands(name, args[0], args[1])
		if err != nil {
			return nil, err
		}
		return op(name, &a, &b)
	}
}

func parseCandidate(name string, v any) (candidate, error) {
	var c candidate
	if f, ok := toFloat(v); ok {
		c.kind, c.scalar = scalarKind, f
		return c, nil
	}
	s, ok := v.(string)
	if !ok {
		return c, fnErrorf(name, "invalid operand")
	}
	if q, err := resource.ParseQuantity(s); err == nil {
		if err := checkQuantity(q); err != nil {
			return c, fnError(name, err)
		}
		c.isQuantity, c.quantity = true, q
	}
	if d, err := time.ParseDuration(s); err == nil {
		c.isDuration, c.duration = true, d
	}
	if !c.isQuantity && !c.isDuration {
		return c, fnErrorf(name, "invalid operand")
	}
	return c, nil
}

// resolve picks the reading of a string that is both a quantity and a
// duration ('0', '1m'): a duration when the other argument is only a duration.
func (c candidate) resolve(durationContext bool) operand {
	switch {
	case !c.isQuantity && !c.isDuration:
		return c.operand
	case c.isDuration && (!c.isQuantity || durationContext):
		c.kind = durationKind
	default:
		c.kind = quantityKind
	}
	return c.operand
}

func parseOperands(name string, x, y any) (operand, operand, error) {
	a, err := parseCandidate(name, x)
	if err != nil {
		return operand{}, operand{}, err
	}
	b, err := parseCandidate(name, y)
	if err != nil {
		return operand{}, operand{}, err
	}
	durationContext := (a.isDuration && !a.isQuantity) || (b.isDuration && !b.isQuantity)
	return a.resolve(durationContext), b.resolve(durationContext), nil
}

func mismatch(name string) error { return fnError(name, errors.New(msgMismatch)) }

func zeroDivisor(name string) error { return fnError(name, errors.New(msgZeroDivisor)) }

// addOperands: quantity+quantity, duration+duration, number+number.
func addOperands(name string, a, b *operand) (any, error) {
	if a.kind != b.kind {
		return nil, mismatch(name)
	}
	switch a.kind {
	case quantityKind:
		a.quantity.Add(b.quantity)
		return a.quantity.String(), nil
	case durationKind:
		return (a.duration + b.duration).String(), nil
	}
	return a.scalar + b.scalar, nil
}

// subtractOperands: quantity-quantity, duration-duration, number-number.
func subtractOperands(name string, a, b *operand) (any, error) {
	if a.kind != b.kind {
		return nil, mismatch(name)
	}
	switch a.kind {
	case quantityKind:
		a.quantity.Sub(b.quantity)
		return a.quantity.String(), nil
	case durationKind:
		return (a.duration - b.duration).String(), nil
	}
	return a.scalar - b.scalar, nil
}

func sum(args []any) (any, error) {
	items, ok := asList(args[0])
	if !ok {
		return nil, mismatch("sum")
	}
	if len(items) == 0 {
		return nil, fnErrorf("sum", "at least one element in the array is required")
	}
	result := items[0]
	for _, item := range items[1:] {
		a, b, err := parseOperands("sum", result, item)
		if err != nil {
			return nil, err
		}
		if result, err = addOperands("sum", &a, &b); err != nil {
			return nil, err
		}
	}
	return result, nil
}

func round(args []any) (any, error) {
	value, err := numberArg("round", args, 0)
	if err != nil {
		return nil, err
	}
	places, err := numberArg("round", args, 1)
	if err != nil {
		return nil, err
	}
	digits, err := intNumber(places)
	if err != nil {
		return nil, fnError("round", errors.New(msgNonIntRound))
	}
	if digits < 0 {
		return nil, fnErrorf("round", "argument #2 must not be negative")
	}
	shift := math.Pow(10, float64(digits))
	return math.Round(value*shift) / shift, nil
}
