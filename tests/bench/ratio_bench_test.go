package bench

import (
	"slices"
	"testing"
	"time"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// BenchmarkCELToPatternRatio measures how much slower the validate.cel policies are than the pattern policies on
// the same 1,000 Pods, as the Targets table states it: one op evaluates the pattern set and then the CEL set, so
// that both halves of every op see the same machine (on a shared machine the load changes from one benchmark to
// the next, and a ratio of two separate benchmarks moves with it). It reports the median over the ops of the
// per-op ratios, of wall time (cel/pattern-wall) and of process CPU time (cel/pattern-cpu, GC included), each
// scaled per evaluation (the sets differ in size). Sub-benchmarks: prepared inputs (as BenchmarkPolicySets with one
// goroutine) or a fresh engine.Input per Pod (as BenchmarkPolicySetsFreshInput), for the full sets and for the 8
// policies both folders have.
func BenchmarkCELToPatternRatio(b *testing.B) {
	objects := gen.Objects(gen.Generate(gen.Options{Count: benchPods, Seed: 1, ViolationRatio: gen.DefaultViolationRatio}))
	sets := map[string]benchSet{}
	for _, s := range benchSets() {
		sets[s.name] = s
	}
	for _, pair := range [][2]string{{"pattern", "cel"}, {"pattern-common", "cel-common"}} {
		for _, fresh := range []bool{false, true} {
			name := pair[1]
			if fresh {
				name += "/fresh-input"
			}
			b.Run(name, func(b *testing.B) { runRatio(b, sets[pair[0]], sets[pair[1]], objects, fresh) })
		}
	}
}

// runRatio runs the pattern set and the CEL set one after the other in every op and reports the median ratios.
func runRatio(b *testing.B, pattern, cel benchSet, objects []map[string]any, fresh bool) {
	eng := engine.New()
	sides := []ratioSide{{policies: pattern.load(b, eng)}, {policies: cel.load(b, eng)}}
	ctx := b.Context()
	prepared := make([][]*engine.Input, len(sides))
	for i := range sides {
		prepared[i] = newInputs(objects)
		validateAll(ctx, eng, sides[i].policies, prepared[i]) // converts the CEL bindings of prepared inputs
	}
	var wall, cpu []float64
	for b.Loop() {
		for i := range sides {
			inputs := prepared[i]
			start, startCPU := time.Now(), processCPUTime()
			if fresh {
				inputs = newInputs(objects)
			}
			if validateAll(ctx, eng, sides[i].policies, inputs) == 0 {
				b.Fatal("no rule failed: the generated violations were not detected")
			}
			sides[i].wall = time.Since(start)
			sides[i].cpu = processCPUTime() - startCPU
		}
		wall = append(wall, sides[1].perEval(sides[1].wall)/sides[0].perEval(sides[0].wall))
		if sides[0].cpu > 0 && sides[1].cpu > 0 {
			cpu = append(cpu, sides[1].perEval(sides[1].cpu)/sides[0].perEval(sides[0].cpu))
		}
	}
	b.ReportMetric(median(wall), "cel/pattern-wall")
	if len(cpu) > 0 {
		b.ReportMetric(median(cpu), "cel/pattern-cpu")
	}
}

// ratioSide is one policy set of a ratio benchmark and the time its last run took.
type ratioSide struct {
	policies  []*engine.Policy
	wall, cpu time.Duration
}

// perEval returns d per evaluation (one policy on one Pod).
func (s ratioSide) perEval(d time.Duration) float64 {
	return float64(d) / float64(len(s.policies)*benchPods)
}

// newInputs prepares one engine input per object.
func newInputs(objects []map[string]any) []*engine.Input {
	inputs := make([]*engine.Input, len(objects))
	for i, obj := range objects {
		inputs[i] = engine.NewInput(engine.Request{Object: obj})
	}
	return inputs
}

// median returns the median of xs (which it sorts); 0 when empty.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	slices.Sort(xs)
	if n := len(xs); n%2 == 0 {
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	return xs[len(xs)/2]
}
