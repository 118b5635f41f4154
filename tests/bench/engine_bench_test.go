package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
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

// benchSet is a group of corpus policies that the set benchmarks evaluate together on the generated Pods.
type benchSet struct {
	name    string
	folders []string
	// keep selects the policies of the folders to evaluate; nil keeps them all.
	keep func(policy string) bool
	// detectedBy names the policies of the set that fail a Pod carrying a violation.
	detectedBy func(gen.Violation) []string
}

// benchSets returns the policy sets: the pattern policies, their validate.cel versions, the policies present in both
// folders (the fair comparison of the two languages), and the podSecurity subrule policies.
func benchSets() []benchSet {
	inBoth := func(name string) bool { return celCounterparts()[name] != "" }
	return []benchSet{
		{name: "pattern", folders: patternFolders(), detectedBy: gen.Violation.DetectedBy},
		{name: "cel", folders: celFolders(), detectedBy: celDetectedBy},
		{name: "pattern-common", folders: patternFolders(), keep: inBoth, detectedBy: gen.Violation.DetectedBy},
		{name: "cel-common", folders: celFolders(), keep: inBoth, detectedBy: celDetectedBy},
		{name: "podsecurity", folders: subruleFolders(), detectedBy: subruleDetectedBy},
	}
}

// load compiles the set's policies with eng.
func (s benchSet) load(tb testing.TB, eng *engine.Engine) []*engine.Policy {
	tb.Helper()
	policies := loadFolders(tb, eng, s.folders)
	if s.keep != nil {
		policies = slices.DeleteFunc(policies, func(p *engine.Policy) bool { return !s.keep(p.Name) })
	}
	return policies
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

// validateConcurrently is validateAll with the inputs split into goroutines contiguous shares, one goroutine each.
func validateConcurrently(ctx context.Context, eng *engine.Engine, policies []*engine.Policy, inputs []*engine.Input,
	goroutines int) int {
	if goroutines <= 1 {
		return validateAll(ctx, eng, policies, inputs)
	}
	failed := make([]int, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		share := inputs[g*len(inputs)/goroutines : (g+1)*len(inputs)/goroutines]
		wg.Go(func() { failed[g] = validateAll(ctx, eng, policies, share) })
	}
	wg.Wait()
	total := 0
	for _, n := range failed {
		total += n
	}
	return total
}

// BenchmarkPolicySets evaluates each policy set on the same 1,000 generated Pods per op, with inputs prepared once
// (as the CLI and the webhook do per resource), from one goroutine and split between two.
func BenchmarkPolicySets(b *testing.B) {
	_, inputs := podInputs(benchPods)
	for _, set := range benchSets() {
		for _, goroutines := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/goroutines=%d", set.name, goroutines), func(b *testing.B) {
				eng := engine.New()
				policies := set.load(b, eng)
				ctx := b.Context()
				b.ReportAllocs()
				clock := startCPUClock()
				for b.Loop() {
					if validateConcurrently(ctx, eng, policies, inputs, goroutines) == 0 {
						b.Fatal("no rule failed: the generated violations were not detected")
					}
				}
				reportEvalRate(b, len(policies)*len(inputs), clock)
			})
		}
	}
}

// BenchmarkPolicySetsFreshInput is BenchmarkPolicySets (one goroutine) plus engine.NewInput for every Pod in every
// op: the full per-resource cost once a Pod is decoded, including the CEL bindings an input builds on first use.
func BenchmarkPolicySetsFreshInput(b *testing.B) {
	objects := gen.Objects(gen.Generate(gen.Options{Count: benchPods, Seed: 1, ViolationRatio: gen.DefaultViolationRatio}))
	for _, set := range benchSets() {
		b.Run(set.name, func(b *testing.B) {
			eng := engine.New()
			policies := set.load(b, eng)
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
		})
	}
}

// BenchmarkSinglePolicySinglePod evaluates one policy on one Pod per op, for each pattern and CEL pod-security
// policy and each podSecurity subrule policy, on a compliant Pod and on a Pod carrying a violation the policy detects.
func BenchmarkSinglePolicySinglePod(b *testing.B) {
	pods, inputs := podInputs(200)
	for _, set := range benchSets() {
		if set.keep != nil {
			continue // the common sets repeat policies of the full ones
		}
		eng := engine.New()
		for _, p := range set.load(b, eng) {
			for _, kind := range []string{"pass", "fail"} {
				in := pickInput(pods, inputs, set.detectedBy, p.Name, kind == "fail")
				if in == nil {
					continue
				}
				b.Run(set.name+"/"+p.Name+"/"+kind, func(b *testing.B) {
					ctx := b.Context()
					b.ReportAllocs()
					for b.Loop() {
						eng.Validate(ctx, p, in, engine.EvalOptions{})
					}
				})
			}
		}
	}
}

// pickInput returns the input of the first Pod that policy fails (violating), according to detectedBy, or of the
// first Pod that carries no violation.
func pickInput(pods []gen.Pod, inputs []*engine.Input, detectedBy func(gen.Violation) []string, policy string,
	violating bool) *engine.Input {
	for i, p := range pods {
		detected := slices.Contains(detectedBy(p.Violation), policy)
		if (violating && detected) || (!violating && p.Violation == gen.None) {
			return inputs[i]
		}
	}
	return nil
}
