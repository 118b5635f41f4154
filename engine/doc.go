// Package engine evaluates compiled Bylaw policies against Kubernetes resources.
//
// The engine is pure: it performs no I/O of its own, holds no clients and no globals. Policies are compiled once
// (Compile) into immutable rule programs with pre-parsed patterns, JMESPath queries and match criteria; evaluation
// (Validate) takes a compiled policy, an Input built once per resource, and a Loader for external context data
// (ConfigMaps, API calls, image registries), and returns one RuleResult per applicable rule.
//
// A namespaced Policy acts only in its own namespace: what its rules generate, clone, patch or read (configMap and
// apiCall context) is checked at Compile when written as a constant, and after variable substitution at evaluation,
// where every Loader call of such a Policy goes through the same checks (confine.go). Consumers that write objects
// for a policy ask Policy.CheckNamespace before they do.
//
// Sub-packages hold one feature each: match (match/exclude), pattern (validate patterns and anchors), conditions
// (condition operators), variables (`{{ }}` templates), jmespath (the JMESPath dialect with Kyverno's functions) and
// images (container image references).
package engine
