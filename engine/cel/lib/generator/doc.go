// Package generator is Kyverno's `generator` CEL library of GeneratingPolicy generate expressions:
//
//	generator.Apply(namespace, [object, ...])
//	generator.Apply([object, ...])
//
// Apply records the objects to generate in the given namespace (every object's metadata.namespace is set to it; ""
// generates cluster-scoped objects); an object whose kind ends in "List" and that holds `items` stands for its items.
// The one-argument form generates into the policy's namespace for a namespaced policy and leaves each object's
// namespace as written for a cluster-wide one. Apply returns null. The library does no I/O: it records intents in
// the Recorder bound for the evaluation, which the engine returns and the generate controller applies. A namespaced
// policy may generate only into its own namespace: any other namespace, "" included, is an error naming both.
// Without a bound Recorder (any expression that is not a generate expression) every call is an error.
package generator
