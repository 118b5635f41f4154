// Command load measures Bylaw's admission path under a fixed request rate, end to end, on a local control plane
// (kube-apiserver and etcd from KUBEBUILDER_ASSETS, as envtest starts them), with `bylaw serve` as a subprocess.
//
//	make load                                   # every scenario, both modes, default rates and durations
//	make load LOAD_ARGS='--mode webhook --scenario pod-security --rate 500 --duration 10s'
//	KUBEBUILDER_ASSETS=$PWD/bin/k8s go run ./tests/load --corpus ../shared/conformance/kyverno-policies --help
//
// Two modes. webhook: AdmissionReviews of generated Pods (tests/bench/podgen/gen) posted over TLS with keep-alive
// straight to the webhook path the scenario's policies are served on, trusting the CA of Bylaw's certificate Secret
// (HTTP/1.1; --http2 for one multiplexed HTTP/2 connection).
// apiserver: the same Pods created with dryRun=All through the API server, first without Bylaw (the baseline), then
// with it registered; the added latency is printed per rate. Both attack open loop at a fixed rate (vegeta), so slow
// answers do not lower the rate.
//
// Each attack prints one line,
//
//	load: <scenario> <N> requests at <R>/s: p50 <A> ms, p95 <B> ms, p99 <C> ms, max <D> ms, errors <E>, bylaw rss <M> MB
//
// and writes its histogram, status codes, verdicts and first errors as JSON under --out (bin/load). The rss is the
// peak resident set (VmHWM) of that scenario's `bylaw serve`, started fresh for each scenario and mode. The machine's
// load average is printed at the start and the end.
//
// Scenarios: pod-security (the corpus folder), pod-security-vpol, pod-security+50 (plus 50 corpus policies chosen by
// path order that Bylaw's loader compiles and that validate Pods on the same webhook path), mutate
// (other/add-default-securitycontext) and context (testdata/context-policy.yaml: a configMap and an apiCall context
// entry, both served from the cluster). By default validate policies are made Enforce (--enforce), so the Pods with a
// violation are denied.
package main
