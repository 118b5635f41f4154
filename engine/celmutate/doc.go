// Package celmutate applies the patches that the mutations of a MutatingPolicy or Kubernetes
// MutatingAdmissionPolicy build in CEL (engine/cel's [cel.MutationProgram]) to an object, as the API server does:
//
//   - ApplyConfiguration: the `Object{...}` is merged into the object as server-side apply merges, with
//     structured-merge-diff and the schema of the object's kind. Built-in kinds use client-go's schemas (lists
//     merge by their keys, `containers` by name, atomic lists and maps are replaced whole); other kinds use a
//     deduced schema, where maps merge and every list is replaced (as the API server does for a CRD without a
//     schema). Unlike k8s.io/apiserver's MutatingAdmissionPolicy, and like Kyverno's MutatingPolicy, a patch may
//     set atomic lists, maps and structs: they are replaced whole, as `kubectl apply --server-side` does.
//     The patch is validated against the schema (a field the kind does not have, or a value of the wrong type, is an
//     error). The object is not validated beforehand (the API server did): the merge refuses fields the kind does
//     not have, and a wrongly typed field that the patch sets is replaced.
//   - JSONPatch: the RFC 6902 operations are applied in order; a failed `test` operation leaves the object as it
//     was (no error), as in the API server.
//
// [Run] evaluates a program's mutations in order, each on the object the previous one left. [Converters] holds
// the type converters; build one per engine and share it (the built-in schemas are parsed once, on first use).
// The package is pure: no client, no I/O, no globals.
package celmutate
