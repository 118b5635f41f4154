// Package conditions evaluates Kyverno condition operators (`preconditions`, `validate.deny.conditions` and foreach
// preconditions) on values whose variables were already substituted. [ParseOperator] checks an operator name once, at
// compile time; [Evaluate] reports whether `key <operator> value` holds.
//
// Values are the types JSON and YAML decoders produce: string, bool, int, int64, float64, map[string]any, []any and
// nil. The semantics follow Kyverno's engine (pkg/engine/variables/operator), including its type coercions:
//
//   - Equals / NotEquals (and the aliases Equal / NotEqual): numbers compare across int, int64 and float64, and with
//     numeric strings when the key is a number. A string key is compared, in this order, as a Go duration (when key or
//     value is one; a number on the other side counts as seconds), as a Kubernetes quantity (`1Gi` equals `1024Mi`;
//     a number value is read as a quantity too) and otherwise as text, the value being a wildcard pattern (`*`, `?`).
//     Maps and lists compare deeply. NotEquals is the negation of Equals for every key type Equals supports.
//   - AnyIn, AllIn, AnyNotIn, AllNotIn (and the deprecated In, NotIn): scalars are compared as text (a number key 1
//     is "1"), with wildcards allowed on either side. The key may be one scalar or a list; the value may be a list, a
//     single string, a JSON array held in a string (a ConfigMap entry such as `["a","b"]`) or a range `min-max` such
//     as `1-10`, `100m-2` or `1h-2h`, compared as durations or quantities.
//   - GreaterThan, GreaterThanOrEquals, LessThan, LessThanOrEquals: numbers, numeric strings, durations (a number on
//     the other side counts as seconds), quantities (both sides strings) and semantic versions (`1.10.2`).
//   - DurationGreaterThan, DurationGreaterThanOrEquals, DurationLessThan, DurationLessThanOrEquals (deprecated in
//     Kyverno): both sides are durations, numbers being seconds.
//
// Evaluation is bounded: wildcard matching is iterative, and a quantity whose decimal exponent exceeds 1000 (such as
// `1e999999999`, which Kyverno would spend minutes comparing) is not read as a quantity.
//
// Kyverno never fails a condition for a type mismatch: a comparison that cannot be made is false (true for NotEquals
// when Equals cannot hold). [Evaluate] therefore errors only for an unknown operator. A nil key (a missing field) makes
// every operator false.
//
// Evaluation does no reflection for JSON scalars, lists and maps, and allocates nothing on the common paths (text
// equality, text membership, number and quantity comparisons).
package conditions
