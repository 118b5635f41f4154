package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// PodDefaultsClusterPolicy is the patchStrategicMerge ClusterPolicy of the Pod-defaults benchmark.
const PodDefaultsClusterPolicy = "testdata/bench/pod-defaults-clusterpolicy.yaml"

// BenchmarkPods returns n varied Pods, the same for a given n on every run: one to four containers, up to two init
// containers, volumes and their mounts, env, ports (the protocol sometimes left out), resources, and some labels,
// annotations, owner references, tolerations and securityContexts already set. Numbers are int64, as the
// admission decoder gives them.
func PodDefaultsPods(n int) []map[string]any {
	rng := rand.New(rand.NewPCG(14, uint64(n)))
	pods := make([]map[string]any, n)
	for i := range pods {
		pods[i] = benchPod(rng, i)
	}
	return pods
}

func benchPod(rng *rand.Rand, i int) map[string]any {
	name := fmt.Sprintf("app-%d", i)
	labels := map[string]any{"app": name, "tier": []string{"web", "api", "worker"}[i%3]}
	if i%4 == 0 {
		labels["bylaw.dev/defaults"] = "custom"
	}
	meta := map[string]any{
		"name": name + "-7d9f8", "namespace": fmt.Sprintf("team-%d", i%20), "labels": labels,
		"annotations": map[string]any{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
	}
	if i%2 == 0 {
		meta["ownerReferences"] = []any{map[string]any{"apiVersion": "apps/v1", "kind": "ReplicaSet",
			"name": name + "-rs", "uid": fmt.Sprintf("uid-%d", i), "controller": true}}
	}
	volumes := []any{}
	for v := range 1 + rng.IntN(3) {
		volumes = append(volumes, map[string]any{"name": fmt.Sprintf("data-%d", v), "emptyDir": map[string]any{}})
	}
	volumes = append(volumes, map[string]any{"name": "config", "configMap": map[string]any{"name": name, "defaultMode": int64(420)}})
	spec := map[string]any{
		"serviceAccountName": name, "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
		"terminationGracePeriodSeconds": int64(30), "volumes": volumes,
		"containers": benchContainers(rng, "c", 1+rng.IntN(4), len(volumes)),
		"tolerations": []any{map[string]any{"key": "node.kubernetes.io/not-ready", "operator": "Exists",
			"effect": "NoExecute", "tolerationSeconds": int64(300)}},
	}
	if n := rng.IntN(3); n > 0 {
		spec["initContainers"] = benchContainers(rng, "init", n, len(volumes))
	}
	if i%3 == 0 {
		spec["securityContext"] = map[string]any{"runAsUser": int64(1000), "fsGroup": int64(2000)}
	}
	return map[string]any{"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
}

func benchContainers(rng *rand.Rand, prefix string, n, volumes int) []any {
	out := make([]any, n)
	for c := range out {
		env := []any{}
		for e := range rng.IntN(7) {
			env = append(env, map[string]any{"name": fmt.Sprintf("VAR_%d", e), "value": fmt.Sprintf("value-%d", rng.IntN(100))})
		}
		port := map[string]any{"containerPort": int64(8080 + c), "name": fmt.Sprintf("http-%d", c)}
		if rng.IntN(2) == 0 {
			port["protocol"] = "TCP"
		}
		ctr := map[string]any{
			"name": fmt.Sprintf("%s-%d", prefix, c), "image": fmt.Sprintf("registry.example/%s-%d:1.%d", prefix, c, rng.IntN(9)),
			"args": []any{"--port", fmt.Sprint(8080 + c)}, "env": env, "ports": []any{port},
			"resources": map[string]any{
				"requests": map[string]any{"cpu": "100m", "memory": "128Mi"},
				"limits":   map[string]any{"cpu": "500m", "memory": "256Mi"},
			},
			"volumeMounts": []any{map[string]any{"name": fmt.Sprintf("data-%d", c%max(volumes-1, 1)), "mountPath": "/data"}},
		}
		switch rng.IntN(3) {
		case 0:
			ctr["imagePullPolicy"] = "Always"
		case 1:
			ctr["securityContext"] = map[string]any{"allowPrivilegeEscalation": true, "capabilities": map[string]any{"drop": []any{"ALL"}}}
		}
		out[c] = ctr
	}
	return out
}

// BenchmarkPodDefaultsStrategicMerge applies the Pod-defaults ClusterPolicy to 1,000 Pods, one Pod per operation:
// "mutate" runs the rule, "mutate+patch" also computes the admission response's JSON patch. cpu-ns/op is the
// process's user+system CPU time per Pod (GC included), steadier than wall time on a shared machine.
func BenchmarkPodDefaultsStrategicMerge(b *testing.B) {
	e := engine.New()
	doc, err := os.ReadFile(PodDefaultsClusterPolicy)
	require.NoError(b, err)
	p := loadBench(b, e, doc)
	pods := PodDefaultsPods(1000)
	// Warm up: the first strategic merge of a process loads kustomize's built-in OpenAPI schema.
	e.Mutate(context.Background(), p, engine.NewInput(engine.Request{Object: pods[0]}), engine.EvalOptions{})
	for _, withPatch := range []bool{false, true} {
		name := "mutate"
		if withPatch {
			name = "mutate+patch"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			cpu := processCPUTime()
			for b.Loop() {
				in := engine.NewInput(engine.Request{Object: pods[i%len(pods)]})
				i++
				res := e.Mutate(context.Background(), p, in, engine.EvalOptions{})
				if res.Patched == nil || res.Rules[0].Status != engine.StatusPass {
					b.Fatalf("pod %d not mutated: %+v", i-1, res.Rules)
				}
				if withPatch {
					if _, err := res.Patches(in); err != nil {
						b.Fatal(err)
					}
				}
			}
			if used := processCPUTime() - cpu; cpu > 0 {
				b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

func loadBench(b testing.TB, e *engine.Engine, doc []byte) *engine.Policy {
	b.Helper()
	set := policy.NewLoader(e).LoadBytes(PodDefaultsClusterPolicy, doc)
	require.Empty(b, set.Errors)
	require.Len(b, set.Policies, 1)
	return set.Policies[0]
}

// CheckPodDefaults asserts what the Pod-defaults policy does to pod, whatever the policy language: the label and
// the Pod securityContext defaults added where absent (existing values kept), every container and init container
// with imagePullPolicy IfNotPresent and allowPrivilegeEscalation false, and nothing else changed.
func CheckPodDefaults(t testing.TB, pod, patched map[string]any) {
	t.Helper()
	want := podDefaultsWant(pod)
	require.Equal(t, canonicalJSON(t, want), canonicalJSON(t, patched))
}

// podDefaultsWant builds the expected result of the Pod-defaults policy on pod by hand.
func podDefaultsWant(pod map[string]any) map[string]any {
	var want map[string]any
	data, _ := json.Marshal(pod)
	_ = json.Unmarshal(data, &want)
	meta := want["metadata"].(map[string]any)
	labels := meta["labels"].(map[string]any)
	if _, ok := labels["bylaw.dev/defaults"]; !ok {
		labels["bylaw.dev/defaults"] = "applied"
	}
	spec := want["spec"].(map[string]any)
	sc, _ := spec["securityContext"].(map[string]any)
	if sc == nil {
		sc = map[string]any{}
		spec["securityContext"] = sc
	}
	if _, ok := sc["runAsNonRoot"]; !ok {
		sc["runAsNonRoot"] = true
	}
	if _, ok := sc["seccompProfile"]; !ok {
		sc["seccompProfile"] = map[string]any{"type": "RuntimeDefault"}
	}
	for _, list := range []string{"containers", "initContainers"} {
		containers, _ := spec[list].([]any)
		for _, c := range containers {
			ctr := c.(map[string]any)
			ctr["imagePullPolicy"] = "IfNotPresent"
			csc, _ := ctr["securityContext"].(map[string]any)
			if csc == nil {
				csc = map[string]any{}
				ctr["securityContext"] = csc
			}
			csc["allowPrivilegeEscalation"] = false
		}
	}
	return want
}

func canonicalJSON(t testing.TB, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	require.NoError(t, err)
	return string(data)
}

// TestPodDefaultsClusterPolicy checks the benchmark's policy on the benchmark's Pods.
func TestPodDefaultsClusterPolicy(t *testing.T) {
	e := engine.New()
	doc, err := os.ReadFile(PodDefaultsClusterPolicy)
	require.NoError(t, err)
	p := loadBench(t, e, doc)
	for i, pod := range PodDefaultsPods(200) {
		res := e.Mutate(context.Background(), p, engine.NewInput(engine.Request{Object: pod}), engine.EvalOptions{})
		require.NotNil(t, res.Patched, "pod %d: %+v", i, res.Rules)
		CheckPodDefaults(t, pod, res.Patched)
	}
}
