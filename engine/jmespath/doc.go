// Package jmespath evaluates JMESPath expressions with the custom functions
// that Kyverno policies use (arithmetic on numbers, Kubernetes quantities and
// durations, string and regex helpers, time, encoding, x509, image references).
//
// An Interpreter is built once with New and holds the function table; it has
// no package-level state and is safe for concurrent use. Compile parses an
// expression once (and checks every function name and argument count);
// the returned Query is safe for concurrent use:
//
//	jp := jmespath.New()
//	q, err := jp.Compile("request.object.spec.containers[].image")
//	if err != nil { ... }
//	images, err := q.Search(admissionReview)
//
// Evaluation follows Kyverno: a field missing from an object at the end of a
// plain path is an error of type NotFoundError ("Unknown key ... in path"),
// while operators such as || treat it as null. Numbers in the data may be
// float64, int64, int or any other Go number type: they are compared and
// passed to functions as float64. Evaluation is bounded by a step budget
// (WithMaxSteps) so a crafted document cannot stall the caller.
package jmespath
