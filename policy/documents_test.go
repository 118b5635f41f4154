package policy

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
)

// TestLoadBytesLongLastLine: a policy file that ends without a line end, in a line whose length is a multiple of
// 4096 bytes (a one-line JSON policy, say), loads like any other. With bufio's default buffer, YAMLReader dropped
// that line, and the policy with it, without an error (found by manifest FuzzSplitMatchesYAMLReader).
func TestLoadBytesLongLastLine(t *testing.T) {
	const head = `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"long"},"spec":{"rules":[` +
		`{"name":"r","match":{"any":[{"resources":{"kinds":["Pod"]}}]},"validate":{"message":"`
	const tail = `","pattern":{"metadata":{"name":"?*"}}}}]}}`
	l := NewLoader(engine.New())
	for _, size := range []int{4095, 4096, 8192} {
		line := head + strings.Repeat("x", size-len(head)-len(tail)) + tail
		require.Len(t, line, size)
		for _, data := range []string{line, "# first document\n---\n" + line} {
			set := l.LoadBytes("long.json", []byte(data))
			require.Empty(t, set.Errors)
			require.Len(t, set.Policies, 1, "size %d", size)
			assert.Equal(t, "long", set.Policies[0].Name)
		}
	}
}
