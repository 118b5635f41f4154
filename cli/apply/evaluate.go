package apply

import (
	"context"
	"runtime"
	"sync"

	"github.com/bylaw-dev/bylaw/cli/kyvernotest"
	"github.com/bylaw-dev/bylaw/engine"
)

// evaluate runs every policy on every object with workers goroutines (0: GOMAXPROCS). Each object is prepared once
// and its input shared by all policies. The result is indexed [object][policy], whatever the scheduling.
func evaluate(ctx context.Context, ev *kyvernotest.Evaluator, policies []*engine.Policy, objects []map[string]any,
	workers int) [][]engine.PolicyResult {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(objects))
	out := make([][]engine.PolicyResult, len(objects))
	next := make(chan int, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				out[i] = evaluateObject(ctx, ev, policies, objects[i])
			}
		})
	}
	for i := range objects {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func evaluateObject(ctx context.Context, ev *kyvernotest.Evaluator, policies []*engine.Policy, obj map[string]any) []engine.PolicyResult {
	r := ev.Prepare(obj)
	results := make([]engine.PolicyResult, len(policies))
	for j, p := range policies {
		results[j] = ev.Evaluate(ctx, p, r)
	}
	return results
}
