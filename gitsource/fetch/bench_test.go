package fetch

import (
	"context"
	"testing"
)

// BenchmarkFetchUnchanged measures a Fetch whose cache is already up to
// date: one ref advertisement over the network (branch), or nothing at all
// (commit already cached).
func BenchmarkFetchUnchanged(b *testing.B) {
	g := newGitServer(b)
	h := pushHistory(b, g, "bench.git")
	var f Fetcher
	for _, tc := range g.transports() {
		for _, ref := range []struct {
			name string
			ref  Ref
		}{
			{name: "branch", ref: Ref{Branch: "main"}},
			{name: "semver", ref: Ref{SemVer: ">=1.0.0 <2.0.0"}},
			{name: "commit", ref: Ref{Commit: h.c2}},
		} {
			b.Run(tc.name+"/"+ref.name, func(b *testing.B) {
				opts := fetchOpts(tc, "bench.git", b.TempDir(), ref.ref)
				if _, err := f.Fetch(context.Background(), opts); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				for b.Loop() {
					if _, err := f.Fetch(context.Background(), opts); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
