// Package bench holds the load tools and benchmarks of Bylaw: the Pod generator (podgen, with its library in
// podgen/gen), Go benchmarks of the engine over the Kyverno pod-security policies in their three forms (pattern,
// validate.cel and podSecurity subrules; engine_bench_test.go), of mutate rules (mutate_bench_test.go, with the
// policies in testdata) and of `bylaw apply` in-process (apply_bench_test.go), and the end-to-end `bylaw apply` load
// run (apply.sh). The tests check that the generated violations are detected by each policy form and that the
// mutate policies patch every Pod, so the benchmarks measure real work. Results and how to reproduce them are in
// docs/benchmarks.md.
//
// The tests and benchmarks read the Kyverno policy corpus from $BYLAW_CORPUS, by default
// ../../../shared/conformance/kyverno-policies relative to this folder, and skip when it is absent.
package bench
