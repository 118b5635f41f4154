// Package cel evaluates Kyverno's `validate.cel` rules and `celPreconditions` with the Kubernetes CEL environment of
// ValidatingAdmissionPolicy (k8s.io/apiserver): the same function libraries (strings, lists, sets, regex, URLs,
// quantities, IPs, CIDRs, semver, format, optional types), the same `request` and `namespaceObject` types and the
// same cost limits.
//
// A [Compiler] holds the environment, built once by [NewCompiler]. [Compiler.Compile] compiles every variable,
// expression, messageExpression and audit annotation of a rule into an immutable [Program];
// [Compiler.CompilePreconditions] compiles match conditions into [Preconditions]. Both are safe for concurrent use.
//
// # Evaluation
//
// [Program.Evaluate] binds the decoded resource maps of an [Input] directly as CEL dynamic values (no conversion to
// typed objects): `object`, `oldObject`, `request`, `namespaceObject`, `params` (declared only when the rule has a
// paramKind) and `variables`, whose entries are evaluated lazily, at most once per evaluation. Expressions run in
// order and the first that does not hold decides the [Result]:
//
//   - false: [StatusFail] with the messageExpression's value (trimmed, single-line, at most 5 KiB), else the
//     expression's message, else the rule's message ([WithMessage]), else "failed expression: <expression>";
//   - an evaluation error, including a per-expression cost limit or the rule's total cost budget being exhausted,
//     or a cancelled context: [StatusError] with the error text.
//
// When every expression holds the result is [StatusPass]. Audit annotations are evaluated after the expressions;
// non-empty string values are returned, null or empty values are left out, errors are ignored as in Kyverno.
//
// # Cost limits
//
// Each expression is limited to the Kubernetes per-call limit (1,000,000 cost units); one rule evaluation, with its
// variables and messageExpression, shares the per-policy runtime budget (10,000,000), and preconditions the
// match-condition budget (2,500,000). Exceeding any of them is an error, never a pass.
//
// # Differences from Kyverno
//
// Kyverno reports an evaluation error of a `validate.cel` expression as a failure (its validator runs with failure
// policy Fail); this package reports it as [StatusError] and leaves the mapping to the caller. The `authorizer`
// variable is not declared (the engine has no API client). Preconditions see `namespaceObject` when the caller
// binds it, where Kyverno binds null; they cannot reference the rule's variables.
package cel
