package mutate

import (
	"errors"
	"fmt"
)

// ErrConditionNotMet is wrapped by the error StrategicMerge returns when a conditional anchor outside a list, or a
// global anchor anywhere, does not hold: Kyverno then applies nothing and reports the rule as skipped.
var ErrConditionNotMet = errors.New("mutate condition not met")

// anchorError is a failed conditional or global anchor met during preprocessing. Like Kyverno, the preprocessing
// recognises it only unwrapped (by type assertion): a wrapped one is an ordinary error.
type anchorError struct {
	global bool
	cause  error
}

func (e *anchorError) Error() string {
	if e.global {
		return "global condition failed: " + e.cause.Error()
	}
	return "condition failed: " + e.cause.Error()
}

func (e *anchorError) Unwrap() error { return e.cause }

// asAnchorError returns err as an anchor failure when it is one, unwrapped.
func asAnchorError(err error) (*anchorError, bool) {
	ae, ok := err.(*anchorError) //nolint:errorlint // Kyverno only recognises unwrapped condition errors.
	return ae, ok
}

// missingKeyError is the failure of an anchor whose key the resource lacks.
func missingKeyError(key string) error {
	return fmt.Errorf("could not find %q key in the resource", key)
}
