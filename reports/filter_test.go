package reports

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/engine"
)

// twoSourceBook holds results of a policy from a GitSource (in shop and at cluster scope) and of a cluster CR policy
// (in shop and web).
func twoSourceBook() *Book {
	fromGit := newPolicy("from-git", fromSource("gitsource/bylaw-system/platform", "main@sha1:aa", "sha256:11"))
	fromCR := newPolicy("from-cr")
	now := t0
	book := NewBook(Options{Now: fixedClock(&now)})
	book.Set(pod("shop", "a"), []engine.PolicyResult{
		result(fromGit, rule("r", engine.StatusFail, "bad")),
		result(fromCR, rule("r", engine.StatusPass, "")),
	})
	book.Set(pod("shop", "b"), []engine.PolicyResult{result(fromGit, rule("r", engine.StatusPass, ""))})
	book.Set(pod("web", "c"), []engine.PolicyResult{result(fromCR, rule("r", engine.StatusError, "oops"))})
	book.Set(namespaceObj("shop"), []engine.PolicyResult{result(fromGit, rule("r", engine.StatusSkip, ""))})
	return book
}

func TestReportsOfKeepsThePoliciesThePredicateAccepts(t *testing.T) {
	tests := []struct {
		name     string
		keep     func(PolicyOrigin) bool
		want     map[string]v1alpha2.PolicyReportSummary // namespace -> summary
		policies []string
	}{
		{
			name: "one source",
			keep: func(o PolicyOrigin) bool { return o.Source == "gitsource/bylaw-system/platform" },
			want: map[string]v1alpha2.PolicyReportSummary{
				ClusterScope: {Skip: 1},
				"shop":       {Pass: 1, Fail: 1},
			},
			policies: []string{"from-git"},
		},
		{
			name: "no source",
			keep: func(o PolicyOrigin) bool { return o.Source == "" },
			want: map[string]v1alpha2.PolicyReportSummary{
				"shop": {Pass: 1},
				"web":  {Error: 1},
			},
			policies: []string{"from-cr"},
		},
		{
			name: "every policy",
			keep: func(PolicyOrigin) bool { return true },
			want: map[string]v1alpha2.PolicyReportSummary{
				ClusterScope: {Skip: 1},
				"shop":       {Pass: 2, Fail: 1},
				"web":        {Error: 1},
			},
			policies: []string{"from-cr", "from-git"},
		},
		{
			name: "none",
			keep: func(PolicyOrigin) bool { return false },
			want: map[string]v1alpha2.PolicyReportSummary{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reps, err := twoSourceBook().ReportsOf(tt.keep)
			require.NoError(t, err)
			got := map[string]v1alpha2.PolicyReportSummary{}
			policies := map[string]bool{}
			for _, rep := range reps {
				got[rep.Object.GetNamespace()] = rep.Summary
				for _, r := range resultsOf(t, rep) {
					policies[r.Policy] = true
				}
				assert.Equal(t, rep.Hash, rep.Object.GetAnnotations()[HashAnnotation])
			}
			assert.Equal(t, tt.want, got)
			var names []string
			for _, p := range []string{"from-cr", "from-git"} {
				if policies[p] {
					names = append(names, p)
				}
			}
			assert.Equal(t, tt.policies, names)
		})
	}
}

func TestReportsOfEveryPolicyEqualsReports(t *testing.T) {
	book := twoSourceBook()
	all, err := book.Reports()
	require.NoError(t, err)
	kept, err := book.ReportsOf(func(PolicyOrigin) bool { return true })
	require.NoError(t, err)
	assert.Equal(t, all, kept)
}

func TestReportsOfAsksOncePerPolicy(t *testing.T) {
	calls := map[string]int{}
	_, err := twoSourceBook().ReportsOf(func(o PolicyOrigin) bool {
		calls[o.Key]++
		assert.Equal(t, o.Source != "", o.Revision == "main@sha1:aa" && o.Digest == "sha256:11", "provenance of %s", o.Key)
		return true
	})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"from-git": 1, "from-cr": 1}, calls)
}

func TestGenerationCountsContentChanges(t *testing.T) {
	p := newPolicy("p")
	fail := []engine.PolicyResult{result(p, rule("r", engine.StatusFail, "bad"))}
	pass := []engine.PolicyResult{result(p, rule("r", engine.StatusPass, ""))}
	tests := []struct {
		name    string
		change  func(b *Book, now *time.Time)
		changed bool
	}{
		{"same results later", func(b *Book, now *time.Time) { *now = now.Add(time.Hour); b.Set(pod("shop", "a"), fail) }, false},
		{"new outcome", func(b *Book, _ *time.Time) { b.Set(pod("shop", "a"), pass) }, true},
		{"new resource", func(b *Book, _ *time.Time) { b.Set(pod("web", "b"), fail) }, true},
		{"update of another policy without results", func(b *Book, _ *time.Time) {
			b.Update(pod("shop", "a"), []engine.PolicyResult{{Policy: newPolicy("other")}})
		}, false},
		{"delete", func(b *Book, _ *time.Time) { b.Delete(pod("shop", "a")) }, true},
		{"delete of an unknown resource", func(b *Book, _ *time.Time) { b.Delete(pod("shop", "zz")) }, false},
		{"delete policy", func(b *Book, _ *time.Time) { b.DeletePolicy("p") }, true},
		{"delete of an unknown policy", func(b *Book, _ *time.Time) { b.DeletePolicy("nope") }, false},
		{"moved to another namespace", func(b *Book, _ *time.Time) {
			moved := pod("shop", "a")
			moved.Namespace = "web"
			b.Set(moved, fail)
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			book := NewBook(Options{Now: fixedClock(&now)})
			assert.Zero(t, book.Generation())
			book.Set(pod("shop", "a"), fail)
			before := book.Generation()
			require.NotZero(t, before)
			tt.change(book, &now)
			if tt.changed {
				assert.Greater(t, book.Generation(), before)
			} else {
				assert.Equal(t, before, book.Generation())
			}
		})
	}
}
