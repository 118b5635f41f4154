package gitsink_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/reports/gitsink"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestGoldenTree renders the sample book and compares every file with testdata/tree/ (go test -run Golden -update
// rewrites them).
func TestGoldenTree(t *testing.T) {
	now := t0
	reps, err := sampleBook(&now).Reports()
	require.NoError(t, err)
	tree, err := gitsink.Render(reps)
	require.NoError(t, err)
	assert.Equal(t, []string{"SUMMARY.md", "cluster.namespace.yaml", "cluster.yaml", "shop.yaml"}, tree.Names())

	dir := filepath.Join("testdata", "tree")
	if *update {
		require.NoError(t, os.RemoveAll(dir))
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for name, data := range tree {
			require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o600))
		}
	}
	files, err := os.ReadDir(dir)
	require.NoError(t, err, "run go test ./reports/gitsink -run Golden -update to create them")
	golden := gitsink.Tree{}
	for _, f := range files {
		golden[f.Name()], err = os.ReadFile(filepath.Join(dir, f.Name()))
		require.NoError(t, err)
	}
	require.Equal(t, golden.Names(), tree.Names())
	for name := range golden {
		assert.Equal(t, string(golden[name]), string(tree[name]), name)
	}
}

// TestRenderOpenReports: with openreports.io reports the tree has the same files, each report file holds a Report
// (ClusterReport), and SUMMARY.md is the same as for PolicyReports (failures, errors and revisions included).
func TestRenderOpenReports(t *testing.T) {
	now := t0
	wg := render(t, sampleBookIn(&now, reports.WGPolicy))
	or := render(t, sampleBookIn(&now, reports.OpenReports))
	require.Equal(t, wg.Names(), or.Names())
	assert.Equal(t, string(wg[gitsink.SummaryFile]), string(or[gitsink.SummaryFile]))
	assert.Contains(t, string(or["shop.yaml"]), "apiVersion: openreports.io/v1alpha1\nkind: Report\n")
	assert.Contains(t, string(or["cluster.yaml"]), "apiVersion: openreports.io/v1alpha1\nkind: ClusterReport\n")
}

func TestRenderIsStable(t *testing.T) {
	tests := []struct {
		name   string
		change func(b *reports.Book, now *time.Time)
		same   bool
	}{
		{"nothing", func(*reports.Book, *time.Time) {}, true},
		{"same outcomes an hour later", func(b *reports.Book, now *time.Time) {
			*now = now.Add(time.Hour)
			hostPath := policy("disallow-host-path", "gitsource/bylaw-system/platform", "main@sha1:5f2c9e0d",
				map[string]string{reports.SeverityAnnotation: "high"})
			b.Update(pod("shop", "api-1"), []engine.PolicyResult{outcome(hostPath, "host-path", engine.StatusPass, "")})
		}, true},
		{"a new failure", func(b *reports.Book, now *time.Time) {
			*now = now.Add(time.Hour)
			b.Set(pod("web", "w"), []engine.PolicyResult{
				outcome(policy("p", "", "", nil), "r", engine.StatusFail, "no")})
		}, false},
		{"a resource gone", func(b *reports.Book, _ *time.Time) { b.Delete(pod("cluster", "x")) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			book := sampleBook(&now)
			before := render(t, book)
			tt.change(book, &now)
			after := render(t, book)
			assert.Equal(t, tt.same, before.Hash() == after.Hash())
			if tt.same {
				assert.Equal(t, before, after)
			}
		})
	}
}

func render(t *testing.T, book *reports.Book) gitsink.Tree {
	t.Helper()
	reps, err := book.Reports()
	require.NoError(t, err)
	tree, err := gitsink.Render(reps)
	require.NoError(t, err)
	return tree
}

func TestRenderWithoutResults(t *testing.T) {
	tree, err := gitsink.Render(nil)
	require.NoError(t, err)
	assert.Equal(t, []string{gitsink.SummaryFile}, tree.Names())
	assert.Contains(t, string(tree[gitsink.SummaryFile]), "No results.")
}

func TestFileOf(t *testing.T) {
	tests := []struct{ namespace, want string }{
		{reports.ClusterScope, "cluster.yaml"},
		{"shop", "shop.yaml"},
		{"cluster", "cluster.namespace.yaml"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, gitsink.FileOf(tt.namespace), tt.namespace)
	}
}

func TestCommitMessage(t *testing.T) {
	now := t0
	reps, err := sampleBook(&now).Reports()
	require.NoError(t, err)
	platform := gitsink.PolicyRevision{Source: "gitsource/bylaw-system/platform", Revision: "main@sha1:5f2c", Digest: "sha256:9b"}
	extra := gitsink.PolicyRevision{Source: "gitsource/bylaw-system/extra", Revision: "v1@sha1:77"}
	const totals = "Results in 3 reports: 2 pass, 1 fail, 1 warn, 1 error, 1 skip\n"
	tests := []struct {
		name string
		revs []gitsink.PolicyRevision
		want string
	}{
		{"no revision", nil, "Policy reports\n\n" + totals},
		{"one revision", []gitsink.PolicyRevision{platform},
			"Policy reports at gitsource/bylaw-system/platform main@sha1:5f2c\n\nPolicy revisions:\n" +
				"- gitsource/bylaw-system/platform main@sha1:5f2c (bundle sha256:9b)\n\n" + totals},
		{"two revisions", []gitsink.PolicyRevision{extra, platform},
			"Policy reports at 2 policy revisions\n\nPolicy revisions:\n- gitsource/bylaw-system/extra v1@sha1:77\n" +
				"- gitsource/bylaw-system/platform main@sha1:5f2c (bundle sha256:9b)\n\n" + totals},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, gitsink.CommitMessage(tt.revs, reps))
		})
	}
}

func TestRevisionsOf(t *testing.T) {
	policies := []*engine.Policy{
		policy("b", "gitsource/ns/b", "main@sha1:2", nil),
		policy("a1", "gitsource/ns/a", "main@sha1:1", nil),
		policy("cr", "", "", nil),
	}
	a := policy("a2", "gitsource/ns/a", "main@sha1:1", nil)
	a.Provenance.Digest = "sha256:a1" // same bundle as a1
	policies = append(policies, a)
	assert.Equal(t, []gitsink.PolicyRevision{
		{Source: "gitsource/ns/a", Revision: "main@sha1:1", Digest: "sha256:a1"},
		{Source: "gitsource/ns/b", Revision: "main@sha1:2", Digest: "sha256:b"},
	}, gitsink.RevisionsOf(policies))
}
