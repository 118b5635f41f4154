package jmespath

import (
	"testing"
)

func benchPod() map[string]any {
	containers := make([]any, 3)
	for n := range containers {
		containers[n] = map[string]any{
			"name":  "c",
			"image": "ghcr.io/org/app:1.2.3",
			"resources": map[string]any{
				"requests": map[string]any{"memory": "64Mi", "cpu": "100m"},
				"limits":   map[string]any{"memory": "128Mi", "cpu": "200m"},
			},
			"ports": []any{map[string]any{"containerPort": int64(8080)}},
		}
	}
	return map[string]any{"request": map[string]any{
		"operation": "CREATE",
		"object": map[string]any{
			"metadata": map[string]any{"name": "p", "namespace": "default", "labels": map[string]any{"app": "web"}},
			"spec":     map[string]any{"containers": containers},
		},
	}}
}

func benchmarkExpr(b *testing.B, expr string) {
	q, err := New().Compile(expr)
	if err != nil {
		b.Fatal(err)
	}
	data := benchPod()
	if _, err := q.Search(data); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := q.Search(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearchImages(b *testing.B) {
	benchmarkExpr(b, "request.object.spec.containers[].image")
}

func BenchmarkSearchDivide(b *testing.B) {
	benchmarkExpr(b, "request.object.spec.containers[].divide(resources.limits.memory, resources.requests.memory)")
}

func BenchmarkSearchRegexMatch(b *testing.B) {
	benchmarkExpr(b, "request.object.spec.containers[?regex_match('^ghcr\\.io/', image)] | length(@)")
}

func BenchmarkCompile(b *testing.B) {
	jp := New()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jp.Compile("request.object.spec.containers[?regex_match('^ghcr', image)].name"); err != nil {
			b.Fatal(err)
		}
	}
}
