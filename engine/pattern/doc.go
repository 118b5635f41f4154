// Package pattern implements Kyverno's `validate.pattern` matching: an overlay pattern, compiled once with [Compile],
// is checked against decoded resources with [Pattern.Match], which reports Pass, Fail (with the path of the first
// failure) or Skip.
//
// Values are the types JSON and YAML decoders produce: map[string]any, []any, string, int64, int, float64, bool and
// nil. Variables (`{{ }}`) must be substituted before Compile; any that remain are plain text.
//
// # Structure
//
// A map in the pattern needs a map in the resource and is checked key by key; keys the pattern does not name are not
// checked. A list whose first element is a map checks every resource element against that map; a list whose first
// element is a scalar checks every resource element against that scalar; a list of lists is compared position by
// position. A scalar pattern against a resource list checks every element.
//
// # Anchors
//
// Map keys may carry an anchor:
//
//   - `(key)` conditional: when the key is absent or its value does not match, the enclosing object is skipped, not
//     failed. Inside a list of objects a skipped element is ignored; when every element is skipped the list itself
//     is skipped, and a skip that reaches the top makes the whole result Skip.
//   - `<(key)` global: when the key is present and does not match, the result is Skip; an absent key is fine.
//   - `=(key)` equality and `+(key)` add-if-not-present: when present, the value must match; absent is fine.
//   - `X(key)` negation: the key must be absent.
//   - `^(key)` existence: the value must be a list in which, for every object of the pattern list, at least one
//     element matches it.
//
// Within a map, conditional, equality, negation and existence anchors are evaluated first (ordered by key), then
// global anchors, then keys whose values hold anchors, then the remaining keys; the first failure or skip wins, as in
// Kyverno. Keys holding `*` or `?` (after the anchor is removed) apply to every resource key they match; when none
// matches, the key counts as absent.
//
// # Values
//
// A string pattern is a `|`-separated list of alternatives, each an `&`-separated list of terms. A term is an
// optional operator (`>`, `>=`, `<`, `<=`, `!`), a range `a-b` or a negated range `a!-b`, and an operand. Operands
// that parse as Go durations (`1h30m`) or Kubernetes quantities (`500m`, `1Gi`) compare numerically with resource
// values of the same kind; otherwise `=` and `!` compare the resource value, as text, with the operand as a wildcard
// (`*` any run, `?` one character). A plain value key whose pattern is exactly `*` only needs the key to be present
// and non-null. Number, boolean and null patterns follow Kyverno's typed comparisons; see [MatchValue].
//
// Every leaf is parsed at Compile, so matching does no parsing of the pattern and allocates nothing when the
// resource passes.
package pattern
