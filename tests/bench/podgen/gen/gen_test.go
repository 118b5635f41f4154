package gen

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

func render(t *testing.T, opts Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, WriteYAML(&buf, Generate(opts)))
	return buf.Bytes()
}

func TestGenerateIsDeterministic(t *testing.T) {
	tests := []struct {
		name string
		a, b Options
		same bool
	}{
		{"same seed", Options{Count: 200, Seed: 1, ViolationRatio: 0.75}, Options{Count: 200, Seed: 1, ViolationRatio: 0.75}, true},
		{"same seed, other ratio", Options{Count: 200, Seed: 1, ViolationRatio: 0.75}, Options{Count: 200, Seed: 1, ViolationRatio: 0.2}, false},
		{"other seed", Options{Count: 200, Seed: 1, ViolationRatio: 0.75}, Options{Count: 200, Seed: 2, ViolationRatio: 0.75}, false},
		{"prefix", Options{Count: 10, Seed: 7, ViolationRatio: 0.75}, Options{Count: 10, Seed: 7, ViolationRatio: 0.75}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := render(t, tt.a), render(t, tt.b)
			require.NotEmpty(t, a)
			assert.Equal(t, tt.same, bytes.Equal(a, b))
		})
	}
}

func TestViolationRatio(t *testing.T) {
	tests := []struct {
		seed  uint64
		ratio float64
	}{
		{1, DefaultViolationRatio}, {2, DefaultViolationRatio}, {42, DefaultViolationRatio}, {1, 0}, {1, 1}, {3, 0.5},
	}
	for _, tt := range tests {
		pods := Generate(Options{Count: 1000, Seed: tt.seed, ViolationRatio: tt.ratio})
		require.Len(t, pods, 1000)
		got := float64(CountViolating(pods)) / 1000
		assert.InDelta(t, tt.ratio, got, 0.05, "seed %d", tt.seed)
	}
}

func TestEveryViolationOccurs(t *testing.T) {
	seen := map[Violation]int{}
	for _, p := range Generate(Options{Count: 1000, Seed: 1, ViolationRatio: DefaultViolationRatio}) {
		seen[p.Violation]++
	}
	for _, v := range append(Violations(), None) {
		assert.Greater(t, seen[v], 20, "violation %q", v)
		if v != None {
			assert.NotEmpty(t, v.DetectedBy(), "violation %q", v)
		}
	}
	assert.Empty(t, None.DetectedBy())
}

func TestPodShapes(t *testing.T) {
	var withInit, multi int
	for _, p := range Generate(Options{Count: 1000, Seed: 1, ViolationRatio: DefaultViolationRatio}) {
		spec := p.Object["spec"].(map[string]any)
		n := len(spec["containers"].([]any))
		assert.True(t, n >= 1 && n <= 3, "containers: %d", n)
		if n > 1 {
			multi++
		}
		if _, ok := spec["initContainers"]; ok {
			withInit++
		}
		meta := p.Object["metadata"].(map[string]any)
		assert.NotEmpty(t, meta["name"])
		assert.NotEmpty(t, meta["namespace"])
		ann, _ := meta["annotations"].(map[string]any)
		assert.Equal(t, string(p.Violation), valueOr(ann[ViolationAnnotation], ""), "pod %s", meta["name"])
	}
	assert.InDelta(t, 300, withInit, 60)
	assert.Greater(t, multi, 400)
}

func valueOr(v any, def string) string {
	if s, ok := v.(string); ok {
		return s
	}
	return def
}

func TestWriteYAMLRoundTrips(t *testing.T) {
	pods := Generate(Options{Count: 5, Seed: 9, ViolationRatio: 1})
	out := render(t, Options{Count: 5, Seed: 9, ViolationRatio: 1})
	docs := bytes.Split(out, []byte("---\n"))
	require.Len(t, docs, len(pods))
	for i, d := range docs {
		var obj map[string]any
		require.NoError(t, yaml.Unmarshal(d, &obj))
		assert.Equal(t, "Pod", obj["kind"])
		assert.Equal(t, pods[i].Object["metadata"].(map[string]any)["name"], obj["metadata"].(map[string]any)["name"])
	}
}
