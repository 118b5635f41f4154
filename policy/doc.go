// Package policy loads policy documents: it splits multi-document YAML, strictly decodes ClusterPolicy, Policy and
// PolicyException documents written as bylaw.dev/v1alpha1 or in the Kyverno dialects (kyverno.io/v1, v2beta1, v2),
// checks them, adds the pod-controller autogen rules, and compiles them with the engine.
//
// Every problem becomes a LoadError that names the file, the document number, the policy and the field; one bad
// document never stops the others from loading.
package policy
