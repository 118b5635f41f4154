// Package gen generates realistic, varied Kubernetes Pods for load tests and benchmarks.
//
// The output is fully determined by the seed: the same Options always yield the same Pods, byte for byte once
// written as YAML. About ViolationRatio of the Pods break exactly one Pod Security Standards control, chosen among
// those the Kyverno pod-security baseline and restricted pattern policies detect (see Violation.DetectedBy); the
// others pass every one of those policies. Each violating Pod names its violation in the annotation
// ViolationAnnotation, so results can be checked after the fact.
package gen
