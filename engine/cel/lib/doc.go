// Package lib holds what the Kyverno CEL libraries under engine/cel/lib/<name> share: the cost model of their
// functions (a static estimate for the untracked-evaluation decision and a runtime tracker for the cost limits,
// both linear in the sizes a call reads or writes), conversion of CEL arguments to Go values, and the receiver
// value type the context-bound libraries (resource, http, globalContext, image metadata) bind per evaluation.
//
// Each library package exposes a cel.EnvOption (a cel.Lib) that declares its functions with the names, overloads,
// argument and result types Kyverno v1.18 declares (older spellings kept), and registers their costs with
// [Costs]. Libraries never do I/O of their own: those that read outside data call a small client interface bound
// per evaluation, and fail with a CEL error when none is bound.
package lib
