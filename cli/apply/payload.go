package apply

import (
	"context"
	"fmt"
	"io"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/manifest"
	"github.com/bylaw-dev/bylaw/policy"
)

// payload is one JSON or YAML document given with --json: any mapping, not necessarily a Kubernetes object. Only
// ValidatingPolicies with evaluation.mode JSON evaluate it.
type payload struct {
	name string // file, and #index for the second and later documents of a file
	obj  map[string]any
}

// loadPayloads reads the documents of the --json files and folders; problems are printed and skipped.
func loadPayloads(ctx context.Context, lim manifest.Limits, paths []string, stderr io.Writer) []payload {
	var out []payload
	for _, path := range paths {
		objs, errs := policy.LoadResources(ctx, lim, path)
		for _, err := range errs {
			fmt.Fprintf(stderr, "error: json payload %v\n", err)
		}
		for i, obj := range objs {
			name := path
			if i > 0 {
				name = fmt.Sprintf("%s#%d", path, i)
			}
			out = append(out, payload{name: name, obj: obj})
		}
	}
	return out
}

// evaluatePayloads runs the JSON-mode policies on every payload and adds their results to rep.
func evaluatePayloads(ctx context.Context, in *inputs, rep *report) {
	opts := engine.EvalOptions{Loader: in.evaluator.Loader, Exceptions: in.evaluator.Exceptions}
	for _, pl := range in.payloads {
		input := engine.NewInput(engine.Request{Object: pl.obj, Payload: true})
		for _, p := range in.policies {
			if p.ValidatesJSON() {
				rep.add(resourceRef{Kind: "JSON", Name: pl.name}, in.evaluator.Engine.Validate(ctx, p, input, opts))
			}
		}
	}
}
