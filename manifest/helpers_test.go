package manifest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/tests/bench/podgen/gen"
)

// podsYAML generates n Pods as the benchmark generator writes them (seed 1).
func podsYAML(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, gen.WriteYAML(&buf, gen.Generate(gen.Options{Count: n, Seed: 1, ViolationRatio: gen.DefaultViolationRatio})))
	return buf.Bytes()
}
