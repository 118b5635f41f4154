package manifest

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// BenchmarkDecodePods decodes 1,000 generated Pods (the `bylaw apply` benchmark's input) document by document, on
// the fast path and on the reference path.
func BenchmarkDecodePods(b *testing.B) {
	stream := podsYAML(b, 1000)
	docs, err := Split(stream)
	require.NoError(b, err)
	for _, bc := range []struct {
		name   string
		decode func([]byte) (any, error)
	}{
		{"fast", Decode},
		{"reference", Limits{}.decodeReference},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(stream)))
			b.ReportAllocs()
			for b.Loop() {
				for _, d := range docs {
					if _, err := bc.decode(d.Data); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkSplitPods splits the generated Pod stream into documents.
func BenchmarkSplitPods(b *testing.B) {
	stream := podsYAML(b, 1000)
	b.SetBytes(int64(len(stream)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Split(stream); err != nil {
			b.Fatal(err)
		}
	}
}
