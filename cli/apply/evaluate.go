package apply

import (
	"context"
	"runtime"
	"sync"

	"github.com/bylaw-dev/bylaw/cli/kyvernotest"
	"github.com/bylaw-dev/bylaw/engine"
)

// objectResult is what the policies did to one object.
type objectResult struct {
	// policies holds one result per policy, in policy order.
	policies []engine.PolicyResult
	// patched is the object after every policy's mutate rules, nil when none changed it.
	patched map[string]any
}

// evaluate runs every policy on every object with workers goroutines (0: GOMAXPROCS). The result is indexed by
// object, whatever the scheduling. When ctx is done no object starts; the results are then incomplete.
func evaluate(ctx context.Context, ev *kyvernotest.Evaluator, policies []*engine.Policy, objects []map[string]any,
	workers int) []objectResult {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, len(objects))
	mutating := mutatingPolicies(policies)
	out := make([]objectResult, len(objects))
	next := make(chan int, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				if ctx.Err() != nil {
					continue // drain: the run is interrupted
				}
				out[i] = evaluateObject(ctx, ev, policies, mutating, objects[i])
			}
		})
	}
dispatch:
	for i := range objects {
		select {
		case next <- i:
		case <-ctx.Done():
			break dispatch
		}
	}
	close(next)
	wg.Wait()
	return out
}

// evaluateObject applies the policies to one object as the Kyverno CLI does: first the policies with mutate rules,
// in order, each on the object the previous ones patched (a policy's own validate and generate rules run right
// after its mutations, on its patched object); then every other policy on the object all mutations left. The object
// is prepared once, and again after each policy that changed it.
func evaluateObject(ctx context.Context, ev *kyvernotest.Evaluator, policies []*engine.Policy, mutating []bool,
	obj map[string]any) objectResult {
	res := objectResult{policies: make([]engine.PolicyResult, len(policies))}
	r := ev.Prepare(obj)
	for j, p := range policies {
		if !mutating[j] {
			continue
		}
		res.policies[j] = ev.Evaluate(ctx, p, r)
		if patched := res.policies[j].Patched; patched != nil {
			res.patched = patched
			r = ev.Prepare(patched)
		}
	}
	for j, p := range policies {
		if !mutating[j] {
			res.policies[j] = ev.Evaluate(ctx, p, r)
		}
	}
	return res
}

// mutatingPolicies tells, per policy, whether it has a mutate rule.
func mutatingPolicies(policies []*engine.Policy) []bool {
	out := make([]bool, len(policies))
	for j, p := range policies {
		out[j] = p.Mutates()
	}
	return out
}
