package bench

import (
	"context"
	"testing"
	"time"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// benchPods is the number of generated Pods the set benchmarks evaluate, as in apply.sh.
const benchPods = 1000

// cpuClock measures the CPU time of the process (all goroutines, GC included) across a benchmark loop. On a busy
// machine it is steadier than wall time.
type cpuClock struct{ start time.Duration }

func startCPUClock() cpuClock { return cpuClock{start: processCPUTime()} }

// reportEvalRate reports evaluations (one policy on one resource) per wall second and per CPU second, and wall
// nanoseconds per evaluation, over the whole benchmark.
func reportEvalRate(b *testing.B, evalsPerOp int, clock cpuClock) {
	b.Helper()
	evals := float64(evalsPerOp * b.N)
	if sec := b.Elapsed().Seconds(); sec > 0 {
		b.ReportMetric(evals/sec, "evals/s")
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/evals, "ns/eval")
	}
	if cpu := (processCPUTime() - clock.start).Seconds(); cpu > 0 && clock.start > 0 {
		b.ReportMetric(evals/cpu, "evals/cpu-s")
	}
}

// validateAll evaluates every policy on every input and returns the number of failed rules, so the work is used.
func validateAll(ctx context.Context, eng *engine.Engine, policies []*engine.Policy, inputs []*engine.Input) int {
	failed := 0
	for _, in := range inputs {
		for _, p := range policies {
			for _, rr := range eng.Validate(ctx, p, in, engine.EvalOptions{}).Rules {
				if rr.Status == engine.StatusFail {
					failed++
				}
			}
		}
	}
	return failed
}

// BenchmarkPodSecurity1000Pods evaluates the pod-security baseline and restricted pattern policies on 1,000 generated
// Pods per op, with inputs prepared once (as the CLI and the webhook do per resource).
func BenchmarkPodSecurity1000Pods(b *testing.B) {
	eng := engine.New()
	policies := loadPodSecurity(b, eng)
	_, inputs := podInputs(benchPods)
	ctx := b.Context()
	b.ReportAllocs()
	clock := startCPUClock()
	for b.Loop() {
		if validateAll(ctx, eng, policies, inputs) == 0 {
			b.Fatal("no rule failed: the generated violations were not detected")
		}
	}
	reportEvalRate(b, len(policies)*len(inputs), clock)
}

// BenchmarkPodSecurity1000PodsWithInput is BenchmarkPodSecurity1000Pods plus engine.NewInput for every Pod in every
// op: the full per-resource cost once a Pod is decoded.
func BenchmarkPodSecurity1000PodsWithInput(b *testing.B) {
	eng := engine.New()
	policies := loadPodSecurity(b, eng)
	objects := gen.Objects(gen.Generate(gen.Options{Count: benchPods, Seed: 1, ViolationRatio: gen.DefaultViolationRatio}))
	ctx := b.Context()
	inputs := make([]*engine.Input, len(objects))
	b.ReportAllocs()
	clock := startCPUClock()
	for b.Loop() {
		for i, obj := range objects {
			inputs[i] = engine.NewInput(engine.Request{Object: obj})
		}
		validateAll(ctx, eng, policies, inputs)
	}
	reportEvalRate(b, len(policies)*len(inputs), clock)
}

// BenchmarkPodSecurityParallel evaluates policy×Pod pairs from all GOMAXPROCS goroutines at once, sharing the
// compiled policies and inputs, as webhook replicas' handlers do.
func BenchmarkPodSecurityParallel(b *testing.B) {
	eng := engine.New()
	policies := loadPodSecurity(b, eng)
	_, inputs := podInputs(benchPods)
	ctx := b.Context()
	b.ReportAllocs()
	clock := startCPUClock()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			in := inputs[i%len(inputs)]
			for _, p := range policies {
				eng.Validate(ctx, p, in, engine.EvalOptions{})
			}
			i++
		}
	})
	reportEvalRate(b, len(policies), clock)
}

// BenchmarkSinglePolicySinglePod evaluates one policy on one Pod per op, for each pod-security policy, on a compliant
// Pod and on a Pod carrying the violation that policy detects.
func BenchmarkSinglePolicySinglePod(b *testing.B) {
	eng := engine.New()
	policies := loadPodSecurity(b, eng)
	pods, inputs := podInputs(200)
	ctx := b.Context()
	for _, p := range policies {
		for _, kind := range []string{"pass", "fail"} {
			in := pickInput(pods, inputs, p.Name, kind == "fail")
			if in == nil {
				continue
			}
			b.Run(p.Name+"/"+kind, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					eng.Validate(ctx, p, in, engine.EvalOptions{})
				}
			})
		}
	}
}

// pickInput returns the input of the first Pod that policy fails (violating) or that carries no violation.
func pickInput(pods []gen.Pod, inputs []*engine.Input, policy string, violating bool) *engine.Input {
	for i, p := range pods {
		detected := false
		for _, name := range p.Violation.DetectedBy() {
			detected = detected || name == policy
		}
		if (violating && detected) || (!violating && p.Violation == gen.None) {
			return inputs[i]
		}
	}
	return nil
}
