package apply

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/cli/kyvernotest"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// benchPolicy is a policy with a pattern rule and a deny rule on Pods (and their controllers through autogen).
func benchPolicy(i int) string {
	return fmt.Sprintf(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: policy-%d
spec:
  validationFailureAction: Audit
  rules:
  - name: labels
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "label team is required"
      pattern:
        metadata:
          labels:
            team: "?*"
  - name: no-latest
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "no latest"
      deny:
        conditions:
          any:
          - key: "{{ images.containers.*.tag }}"
            operator: AnyIn
            value: [latest]
`, i)
}

func benchPod(i int) map[string]any {
	labels := map[string]any{"app": "web"}
	if i%2 == 0 {
		labels["team"] = "a"
	}
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": fmt.Sprintf("pod-%d", i), "namespace": "default", "labels": labels},
		"spec": map[string]any{"containers": []any{
			map[string]any{"name": "c", "image": fmt.Sprintf("registry.example.com/app:%d", i%7)},
		}},
	}
}

// BenchmarkEvaluate measures 1,000 Pods against 20 policies: the engine time of one `bylaw apply` run.
func BenchmarkEvaluate(b *testing.B) {
	e := engine.New()
	loader := policy.NewLoader(e)
	var policies []*engine.Policy
	for i := range 20 {
		set := loader.LoadBytes(fmt.Sprintf("p%d.yaml", i), []byte(benchPolicy(i)))
		require.Empty(b, set.Errors)
		policies = append(policies, set.Policies...)
	}
	objects := make([]map[string]any, 1000)
	for i := range objects {
		objects[i] = benchPod(i)
	}
	ev := &kyvernotest.Evaluator{Engine: e}
	b.ResetTimer()
	for b.Loop() {
		results := evaluate(b.Context(), ev, policies, objects, 0)
		if len(results) != len(objects) {
			b.Fatal("missing results")
		}
	}
}
