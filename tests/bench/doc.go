// Package bench holds the load tools and benchmarks of Bylaw: the Pod generator (podgen, with its library in
// podgen/gen), Go benchmarks of the engine over the Kyverno pod-security policies (engine_bench_test.go) and the
// end-to-end `bylaw apply` load run (apply.sh). Results and how to reproduce them are in docs/benchmarks.md.
//
// The tests and benchmarks read the Kyverno policy corpus from $BYLAW_CORPUS, by default
// ../../../shared/conformance/kyverno-policies relative to this folder, and skip when it is absent.
package bench
