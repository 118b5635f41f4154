package bench

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/engine/mutate"
	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// BenchmarkMutate1000Pods runs engine.Evaluate of one testdata mutate policy on the 1,000 generated Pods per op:
// overlay (labels and Pod securityContext defaults with add-if-not-present anchors in plain patchStrategicMerge) and
// foreach (the same labels, then per-container and per-init-container defaults with foreach patchStrategicMerge).
// Every Pod is patched.
func BenchmarkMutate1000Pods(b *testing.B) {
	_, inputs := podInputs(benchPods)
	for _, name := range []string{"overlay", "foreach"} {
		b.Run(name, func(b *testing.B) {
			eng := engine.New()
			p := loadMutatePolicy(b, eng, mutatePolicies()[name])
			ctx := b.Context()
			// Warm up: the first strategic merge of a process loads kustomize's built-in OpenAPI schema.
			eng.Evaluate(ctx, p, inputs[0], engine.EvalOptions{})
			b.ReportAllocs()
			clock := startCPUClock()
			for b.Loop() {
				patched := 0
				for _, in := range inputs {
					if eng.Evaluate(ctx, p, in, engine.EvalOptions{}).Patched != nil {
						patched++
					}
				}
				if patched != len(inputs) {
					b.Fatalf("%d of %d Pods patched", patched, len(inputs))
				}
			}
			reportEvalRate(b, len(inputs), clock)
		})
	}
}

// BenchmarkMutateThenValidate1000Pods is what `bylaw apply` does per Pod with the foreach mutate policy and the
// pod-security pattern policies: Evaluate the mutate policy, prepare the patched Pod again, then validate it
// against the pattern policies. One evaluation is one policy on one Pod, the mutate policy included.
func BenchmarkMutateThenValidate1000Pods(b *testing.B) {
	_, inputs := podInputs(benchPods)
	eng := engine.New()
	mutator := loadMutatePolicy(b, eng, mutatePolicies()["foreach"])
	policies := loadPodSecurity(b, eng)
	ctx := b.Context()
	b.ReportAllocs()
	clock := startCPUClock()
	for b.Loop() {
		for _, in := range inputs {
			res := eng.Evaluate(ctx, mutator, in, engine.EvalOptions{})
			patched := engine.NewInput(engine.Request{Object: res.Patched})
			for _, p := range policies {
				eng.Validate(ctx, p, patched, engine.EvalOptions{})
			}
		}
	}
	reportEvalRate(b, (1+len(policies))*len(inputs), clock)
}

// BenchmarkStrategicMergeOnePod measures one engine/mutate.StrategicMerge call on a generated Pod per op, with the
// label overlay of the mutate policies (add-if-not-present anchors): the cost of one patchStrategicMerge, without
// the engine around it. The Pod has three containers, an init container and volumes.
func BenchmarkStrategicMergeOnePod(b *testing.B) {
	pods := gen.Generate(gen.Options{Count: 200, Seed: 1, ViolationRatio: gen.DefaultViolationRatio})
	i := slices.IndexFunc(pods, func(p gen.Pod) bool {
		spec := p.Object["spec"].(map[string]any)
		containers, _ := spec["containers"].([]any)
		_, hasInit := spec["initContainers"]
		return len(containers) == 3 && hasInit && spec["volumes"] != nil
	})
	require.GreaterOrEqual(b, i, 0, "no generated Pod with three containers, init containers and volumes")
	overlay := map[string]any{"metadata": map[string]any{"labels": map[string]any{
		"+(bylaw.dev/defaulted)": "true", "+(team)": "unassigned"}}}
	// Warm up: the first strategic merge of a process loads kustomize's built-in OpenAPI schema.
	_, err := mutate.StrategicMerge(pods[i].Object, overlay)
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := mutate.StrategicMerge(pods[i].Object, overlay); err != nil {
			b.Fatal(err)
		}
	}
}
