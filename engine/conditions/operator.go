package conditions

import (
	"errors"
	"fmt"
	"strings"
)

// Operator is a condition operator, as written in a policy's `operator` field.
type Operator string

// The condition operators Kyverno accepts.
const (
	Equals    Operator = "Equals"
	NotEquals Operator = "NotEquals"
	// Equal is an alias of Equals that Kyverno's engine still accepts.
	Equal Operator = "Equal"
	// NotEqual is an alias of NotEquals that Kyverno's engine still accepts.
	NotEqual Operator = "NotEqual"

	// In is deprecated: use AllIn or AnyIn.
	In    Operator = "In"
	AnyIn Operator = "AnyIn"
	AllIn Operator = "AllIn"
	// NotIn is deprecated: use AnyNotIn or AllNotIn.
	NotIn    Operator = "NotIn"
	AnyNotIn Operator = "AnyNotIn"
	AllNotIn Operator = "AllNotIn"

	GreaterThan         Operator = "GreaterThan"
	GreaterThanOrEquals Operator = "GreaterThanOrEquals"
	LessThan            Operator = "LessThan"
	LessThanOrEquals    Operator = "LessThanOrEquals"

	// The Duration operators are deprecated: GreaterThan and friends compare durations too.
	DurationGreaterThan         Operator = "DurationGreaterThan"
	DurationGreaterThanOrEquals Operator = "DurationGreaterThanOrEquals"
	DurationLessThan            Operator = "DurationLessThan"
	DurationLessThanOrEquals    Operator = "DurationLessThanOrEquals"
)

// ErrUnknownOperator is wrapped by the errors of [ParseOperator] and [Evaluate] for a name that is not an operator.
var ErrUnknownOperator = errors.New("unknown condition operator")

// operatorNames lists every operator, in the order error messages show them.
const operatorNames = "Equals, NotEquals, AnyIn, AllIn, AnyNotIn, AllNotIn, GreaterThan, GreaterThanOrEquals, " +
	"LessThan, LessThanOrEquals, DurationGreaterThan, DurationGreaterThanOrEquals, DurationLessThan, " +
	"DurationLessThanOrEquals, and the deprecated Equal, NotEqual, In, NotIn"

// Operators returns every operator Kyverno accepts, deprecated ones included.
func Operators() []Operator {
	return []Operator{
		Equals, NotEquals, Equal, NotEqual,
		In, AnyIn, AllIn, NotIn, AnyNotIn, AllNotIn,
		GreaterThan, GreaterThanOrEquals, LessThan, LessThanOrEquals,
		DurationGreaterThan, DurationGreaterThanOrEquals, DurationLessThan, DurationLessThanOrEquals,
	}
}

// ParseOperator returns the operator named s. Like Kyverno's engine, it ignores case ("equals" is Equals); Kyverno's
// CRD schema is stricter (exact case, no Equal/NotEqual), which is the policy validator's concern, not this one's.
func ParseOperator(s string) (Operator, error) {
	for _, op := range Operators() {
		if strings.EqualFold(s, string(op)) {
			return op, nil
		}
	}
	return "", fmt.Errorf("%w %q: valid operators are %s", ErrUnknownOperator, s, operatorNames)
}

// Deprecated reports whether Kyverno deprecates the operator: In, NotIn and the Duration operators.
func (op Operator) Deprecated() bool {
	switch op {
	case In, NotIn, DurationGreaterThan, DurationGreaterThanOrEquals, DurationLessThan, DurationLessThanOrEquals:
		return true
	default:
		return false
	}
}

// Evaluate reports whether `key op value` holds with Kyverno's semantics (see the package documentation). It fails
// only when op is not an operator; an operator spelled in another case is accepted.
func Evaluate(op Operator, key, value any) (bool, error) {
	switch op {
	case Equals, Equal:
		return equals(key, value), nil
	case NotEquals, NotEqual:
		return notEquals(key, value), nil
	case In, AnyIn, AllIn, NotIn, AnyNotIn, AllNotIn:
		return membership(setRuleOf(op), key, value), nil
	case GreaterThan, GreaterThanOrEquals, LessThan, LessThanOrEquals:
		return compareOrdered(orderOf(op), key, value), nil
	case DurationGreaterThan, DurationGreaterThanOrEquals, DurationLessThan, DurationLessThanOrEquals:
		return compareDurations(orderOf(op), key, value), nil
	}
	canonical, err := ParseOperator(string(op))
	if err != nil {
		return false, err
	}
	return Evaluate(canonical, key, value)
}
