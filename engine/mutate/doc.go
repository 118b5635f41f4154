// Package mutate implements the patch primitives of Kyverno `mutate` rules on decoded JSON objects (map[string]any,
// []any, string, int64, int, float64, bool and nil). The engine substitutes variables and handles match,
// preconditions and foreach; this package only patches.
//
// # Strategic merge
//
// [StrategicMerge] applies a `patchStrategicMerge` overlay the way Kyverno v1.19 does, in two steps.
//
// First the overlay is preprocessed against the resource, which resolves Kyverno's anchors:
//
//   - `+(key)` add-if-not-present: dropped when the resource already has the key, otherwise it becomes `key`.
//   - `(key)` conditional: the resource must hold the key with a value matching the anchor's value (a
//     validate-style pattern). In a list of objects, an element with anchors is tried against every resource
//     element; for each match with a `name`, a copy of the element (anchors removed, the name set) is appended to
//     the overlay list, so the change lands on that element. A failed condition outside a list skips the rule:
//     StrategicMerge returns an error wrapping [ErrConditionNotMet].
//   - `<(key)` global: like a condition, but when it holds for no element the whole rule is skipped
//     ([ErrConditionNotMet]).
//   - Every other prefix (`=(key)`, `X(key)`, `^(key)`) is no anchor for mutation: Kyverno keeps such a key
//     literally, and so does StrategicMerge.
//
// Then anchored leftovers are pruned from the overlay and it is merged into the resource with the kustomize
// (sigs.k8s.io/kustomize/kyaml) merge Kyverno uses: maps merge key by key, `null` deletes a key, and
// `$patch: delete|replace` directives apply. Lists merge only where kustomize's built-in Kubernetes OpenAPI schema
// gives the field a merge strategy (for known kinds: containers and env by `name`, ports by `containerPort` and
// `protocol`, volumeMounts by `mountPath`, hostAliases by `ip`, finalizers as a set...): elements with the same key
// merge, new ones are prepended. Every other list, including all lists of custom resources, is replaced. The merge
// also normalises untouched lists with merge keys (duplicate keys collapse), as in Kyverno. The quirks of Kyverno's
// preprocessing are kept on purpose, so outputs agree with Kyverno's once decoded.
//
// StrategicMerge does not walk the whole resource to get there. The anchors only read the fields the overlay names,
// so they are resolved against a view of the resource holding just those (subtree.go). The resolved overlay is then
// merged natively with the kustomize merge's rules (fastmerge.go), descending only where it names a field: the rest
// of the result is shared with the resource, neither copied nor converted, and [Diff] skips what is shared. What
// the native merge does not reproduce exactly (a `$patch` directive, a null inside a field the overlay adds, a list
// merged by key whose elements lack or repeat their key, a set of scalars such as finalizers, a value of another
// kind than the resource's) goes through the kustomize merge of the whole resource, which stays the reference the
// differential tests compare with. One difference remains on purpose: parts of the resource the overlay does not
// name are kept as they are, where Kyverno would normalise them (collapse duplicate keys in a list merged by key).
//
// # JSON patch
//
// [JSON6902] applies a `patchesJson6902` string (a JSON or YAML list of RFC 6902 operations) with
// evanphx/json-patch/v5 and Kyverno's options: negative indices, removing a missing path is no error, and `add`
// creates missing parents.
//
// # Diff
//
// [Diff] computes the RFC 6902 operations that turn one object into another, in a deterministic order, for the
// patch of an AdmissionReview response.
//
// All functions leave their inputs unmodified and are safe for concurrent use.
package mutate
