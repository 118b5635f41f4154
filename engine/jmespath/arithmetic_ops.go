package jmespath

import (
	"errors"
	"fmt"
	"time"

	"gopkg.in/inf.v0"
	"k8s.io/apimachinery/pkg/api/resource"
)

// multiplyOperands: a quantity or duration times a number (either order),
// or two numbers.
func multiplyOperands(name string, a, b *operand) (any, error) {
	if a.kind != scalarKind && b.kind == scalarKind {
		a, b = b, a
	}
	if a.kind != scalarKind {
		return nil, mismatch(name)
	}
	switch b.kind {
	case quantityKind:
		factor, err := scalarQuantity(a.scalar)
		if err != nil {
			return nil, fnError(name, err)
		}
		var product inf.Dec
		product.Mul(b.quantity.AsDec(), factor.AsDec())
		return resource.NewDecimalQuantity(product, b.quantity.Format).String(), nil
	case durationKind:
		return scaleDuration(b.duration, a.scalar), nil
	}
	return a.scalar * b.scalar, nil
}

// divideOperands: quantity/quantity and duration/duration give a number,
// quantity/number and duration/number keep the unit, number/number.
func divideOperands(name string, a, b *operand) (any, error) {
	switch {
	case a.kind == quantityKind && b.kind == quantityKind:
		divisor := b.quantity.AsApproximateFloat64()
		if divisor == 0 {
			return nil, zeroDivisor(name)
		}
		return a.quantity.AsApproximateFloat64() / divisor, nil
	case a.kind == durationKind && b.kind == durationKind:
		if b.duration == 0 {
			return nil, zeroDivisor(name)
		}
		return a.duration.Seconds() / b.duration.Seconds(), nil
	case b.kind != scalarKind:
		return nil, mismatch(name)
	case b.scalar == 0:
		return nil, zeroDivisor(name)
	case a.kind == quantityKind:
		return divideQuantity(name, &a.quantity, b.scalar)
	case a.kind == durationKind:
		return time.Duration(a.duration.Seconds() / b.scalar * float64(time.Second)).String(), nil
	}
	return a.scalar / b.scalar, nil
}

func divideQuantity(name string, q *resource.Quantity, by float64) (any, error) {
	divisor, err := scalarQuantity(by)
	if err != nil {
		return nil, fnError(name, err)
	}
	scale := max(q.AsDec().Scale(), divisor.AsDec().Scale())
	var quotient inf.Dec
	quotient.QuoRound(q.AsDec(), divisor.AsDec(), scale, inf.RoundDown)
	return resource.NewDecimalQuantity(quotient, q.Format).String(), nil
}

// moduloOperands: integer quantities, durations or integer numbers of one kind.
func moduloOperands(name string, a, b *operand) (any, error) {
	if a.kind != b.kind {
		return nil, mismatch(name)
	}
	switch a.kind {
	case durationKind:
		if b.duration == 0 {
			return nil, zeroDivisor(name)
		}
		return (a.duration % b.duration).String(), nil
	case quantityKind:
		x, y, err := integerPair(name, a.quantity.AsApproximateFloat64(), b.quantity.AsApproximateFloat64())
		if err != nil {
			return nil, err
		}
		return resource.NewQuantity(x%y, a.quantity.Format).String(), nil
	}
	x, y, err := integerPair(name, a.scalar, b.scalar)
	if err != nil {
		return nil, err
	}
	return float64(x % y), nil
}

// integerPair checks that both values are integers and the second is not 0.
func integerPair(name string, fx, fy float64) (int64, int64, error) {
	x, y := int64(fx), int64(fy)
	if fx != float64(x) || fy != float64(y) {
		return 0, 0, fnError(name, errors.New(msgNonIntMod))
	}
	if y == 0 {
		return 0, 0, zeroDivisor(name)
	}
	return x, y, nil
}

// scalarQuantity reads a number as a quantity, as Kyverno does.
func scalarQuantity(f float64) (resource.Quantity, error) {
	q, err := resource.ParseQuantity(fmt.Sprintf("%v", f))
	if err != nil {
		return q, fmt.Errorf("number %v is not a quantity: %w", f, err)
	}
	return q, checkQuantity(q)
}

func scaleDuration(d time.Duration, by float64) string {
	return time.Duration(d.Seconds() * by * float64(time.Second)).String()
}
