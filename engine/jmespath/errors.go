package jmespath

import (
	"errors"
	"fmt"
)

// ErrBudgetExceeded is returned when one Search evaluates more AST nodes than
// the Interpreter allows (see WithMaxSteps).
var ErrBudgetExceeded = errors.New("evaluation step budget exceeded")

// NotFoundError is returned, as in Kyverno, when a plain path names a key that
// is missing from an object. Operators that take null (||, &&, functions,
// filters, projections, pipes) treat it as null instead.
type NotFoundError struct {
	// Key is the missing key.
	Key string
}

func (e NotFoundError) Error() string {
	return fmt.Sprintf("Unknown key %q in path", e.Key)
}

func isNotFound(err error) bool {
	_, ok := errors.AsType[NotFoundError](err) // errors.As with a pointer allocates: this runs per path miss
	return ok
}

// Kyverno's function error texts.
const (
	msgZeroDivisor = "Zero divisor passed"
	msgNonIntMod   = "Non-integer argument(s) passed for modulo"
	msgNonIntRound = "Non-integer argument(s) passed for round off"
	msgMismatch    = "Types mismatch"
)

// fnError prefixes err with the function name the way Kyverno does.
func fnError(fn string, err error) error {
	return fmt.Errorf("JMESPath function '%s': %w", fn, err)
}

// fnErrorf formats a message prefixed with the function name.
func fnErrorf(fn, format string, args ...any) error {
	return fnError(fn, fmt.Errorf(format, args...))
}

// argTypeError reports an argument (1-based) of the wrong type.
func argTypeError(fn string, pos int, want string) error {
	return fnErrorf(fn, "argument #%d is not of type %s", pos, want)
}
