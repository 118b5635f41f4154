// Package match implements the `match` and `exclude` blocks of Kyverno rules.
//
// A rule's block is given as a [Criteria] of plain [Filter] values (the policy
// compiler maps the kyverno.io/v1 API types to them), compiled once with
// [Compile], and evaluated many times against a [Resource] with
// [Matcher.Matches] (for `match`) or [Matcher.Excludes] (for `exclude`).
// Evaluation does not allocate: wildcards, kind selectors and label selectors
// are all parsed at compile time.
//
// The semantics follow Kyverno v1:
//
//   - Every field of a filter must hold (AND); a list field holds when any of
//     its entries does (OR). `any` needs one filter to hold, `all` every filter.
//   - Names, namespaces, annotations and subjects accept `*` (any run of
//     characters, also none) and `?` (exactly one character). A Namespace
//     object is matched by `namespaces` on its own name.
//   - Kinds are `Kind`, `Version/Kind`, `Group/Version/Kind`, each optionally
//     followed by `/subresource` or `.subresource`; every part may hold
//     wildcards (`apps/*/Deployment`, `*Role*`, `*`). `*/*` selects every
//     resource and subresource, `*/status` every status subresource. A kind
//     without a subresource selects only requests without one, except that
//     `Pod` also selects the pods/ephemeralcontainers subresource. For a
//     subresource request the Resource carries the parent resource's GVK
//     (for pods/exec: v1 Pod and subresource "exec"), as Kyverno derives it
//     from the request's resource.
//   - `selector` is a label selector over the object's labels; keys and values
//     of its matchLabels may hold wildcards. `namespaceSelector` is evaluated
//     on the labels of the object's namespace; it never holds for a Namespace
//     object, nor when the labels of the namespace are unknown (nil) for a
//     namespaced object. Cluster-scoped objects are evaluated against no labels.
//   - `roles` and `clusterRoles` ("namespace:name" and "name") need one exact
//     common entry with the requester's; `subjects` need one subject to match
//     the requester (User and Group by name, ServiceAccount as
//     system:serviceaccount:<namespace>:<name>).
//   - When the Resource carries no user information at all (background scans),
//     `match` ignores the user part of its filters, so a filter with only user
//     fields matches nothing; `exclude` always evaluates it, so such a filter
//     excludes nothing.
//   - An empty filter matches nothing and excludes nothing; so does an empty
//     Criteria.
package match
