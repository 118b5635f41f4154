// Package cel evaluates Kyverno's `validate.cel` rules and `celPreconditions` with the Kubernetes CEL environment of
// ValidatingAdmissionPolicy (k8s.io/apiserver): the same function libraries (strings, lists, sets, regex, URLs,
// quantities, IPs, CIDRs, semver, format, optional types, two-variable comprehensions), the same `request` and
// `namespaceObject` types, the same type rules (a validation must be of type bool, a messageExpression of type
// string) and the same cost limits.
//
// A [Compiler] holds the environment, built once by [NewCompiler]. [Compiler.Compile] compiles every variable,
// expression, messageExpression and audit annotation of a rule into an immutable [Program];
// [Compiler.CompilePreconditions] compiles match conditions into [Preconditions]. All are safe for concurrent use.
//
// # Evaluation
//
// [Program.Evaluate] binds the decoded maps of an [Input] directly as CEL values, never converting them to typed
// objects: `object`, `oldObject`, `request`, `namespaceObject`, `params` (declared only when the rule has a
// paramKind) and `variables`, whose entries are evaluated lazily, at most once per evaluation. When several rules
// evaluate the same resource, [Input.Prepare] converts the input once for all of them, field by field as rules
// read it (lazyval.go, lazymap.go, lazylist.go), and lets their untracked evaluations share the value of a variable
// that reads only the input, such as the `allContainers` list most pod-security policies declare (shared.go).
// [Input.Defer] builds the request and namespace documents only when a rule reads them. Expressions run in order
// and the first that does not hold decides the [Result]:
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
// match-condition budget (2,500,000). Exceeding any of them is an error, never a pass. Tracking cost step by step
// more than doubles evaluation time, so each rule also has untracked programs, used only for inputs whose list,
// map and string sizes, in the parts of the input the rule reads (readpaths.go), are small enough for the rule's
// statically estimated cost to stay far below the limits (estimate.go explains the bound). Pass a context with a deadline: cel-go's cost tracking slows down on very large
// lists, and the context is checked every 100 comprehension iterations.
//
// # Kyverno's CEL policies
//
// A compiler built WithKyvernoLibraries adds the environment of policies.kyverno.io policies: Kyverno's libraries
// (engine/cel/lib/<name>, docs/cel-libraries.md). The resource, http, globalContext and image metadata libraries
// call the [Context] bound in [Input.Context]; WithHTTPHosts lists the hosts http may call; a rule compiled
// WithNamespace (a namespaced policy) gets the namespaced resource signatures and may not use http. Rules calling a
// library whose result the cost model cannot size always track cost (kyverno.go).
//
// [Compiler.CompileGenerations] compiles the body of a GeneratingPolicy: its variables and generate entries, CEL
// expressions calling generator.Apply (engine/cel/lib/generator) or YAML templates with `(( ... ))` placeholders
// (engine/cel/template). [Generations.Evaluate] returns the objects to generate, always with cost tracking;
// [Generations.Targets] and [Generations.Sources] say, from the ASTs, which kinds it visibly generates and which
// objects it reads with constant resource.Get calls, for synchronisation.
//
// # Differences from Kyverno
//
// Kyverno reports an evaluation error of a `validate.cel` expression as a failure (its validator runs with failure
// policy Fail); this package reports it as [StatusError] and leaves the mapping to the caller. The `authorizer`
// variable is not declared (the engine has no API client). Preconditions see `namespaceObject` and `params` when
// the caller binds them, where Kyverno binds null to namespaceObject; they cannot reference the rule's variables.
// A rule with a paramRef is evaluated once per parameter object by the caller, which also decides what a missing
// parameter means.
package cel
