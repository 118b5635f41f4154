package reports

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/engine"
)

// step is one operation on a Book and what it must report.
type step struct {
	name    string
	do      func(b *Book) bool
	changed bool
	// namespaces are what Changed returns after the step.
	namespaces []string
	// summaries are the report summaries after the step, by namespace.
	summaries map[string]v1alpha2.PolicyReportSummary
}

func TestBookLifecycle(t *testing.T) {
	p, q := newPolicy("p"), newPolicy("q")
	a, b, c := pod("ns1", "a"), pod("ns1", "b"), pod("ns2", "c")
	pass, fail := rule("r", engine.StatusPass, ""), rule("r", engine.StatusFail, "no")
	set := func(res Resource, results ...engine.PolicyResult) func(*Book) bool {
		return func(bk *Book) bool { return bk.Set(res, results) }
	}
	update := func(res Resource, results ...engine.PolicyResult) func(*Book) bool {
		return func(bk *Book) bool { return bk.Update(res, results) }
	}
	steps := []step{
		{name: "set a", do: set(a, result(p, pass), result(q, fail)), changed: true, namespaces: []string{"ns1"},
			summaries: map[string]v1alpha2.PolicyReportSummary{"ns1": {Pass: 1, Fail: 1}}},
		{name: "set b and c", do: func(bk *Book) bool { return set(b, result(p, fail))(bk) && set(c, result(q, pass))(bk) },
			changed: true, namespaces: []string{"ns1", "ns2"},
			summaries: map[string]v1alpha2.PolicyReportSummary{"ns1": {Pass: 1, Fail: 2}, "ns2": {Pass: 1}}},
		{name: "set a again, same outcomes", do: set(a, result(q, fail), result(p, pass)), changed: false,
			summaries: map[string]v1alpha2.PolicyReportSummary{"ns1": {Pass: 1, Fail: 2}}},
		{name: "update a for q only", do: update(a, result(q, pass)), changed: true, namespaces: []string{"ns1"},
			summaries: map[string]v1alpha2.PolicyReportSummary{"ns1": {Pass: 2, Fail: 1}}},
		{name: "update a: q no longer applies", do: update(a, result(q)), changed: true, namespaces: []string{"ns1"},
			summaries: map[string]v1alpha2.PolicyReportSummary{"ns1": {Pass: 1, Fail: 1}}},
		{name: "set a with nothing: forgotten", do: set(a), changed: true, namespaces: []string{"ns1"},
			summaries: map[string]v1alpha2.PolicyReportSummary{"ns1": {Fail: 1}}},
		{name: "delete a, already gone", do: func(bk *Book) bool { return bk.Delete(a) }, changed: false},
		{name: "delete policy q", do: func(bk *Book) bool { return bk.DeletePolicy("q") }, changed: true,
			namespaces: []string{"ns2"}, summaries: map[string]v1alpha2.PolicyReportSummary{"ns1": {Fail: 1}, "ns2": {}}},
		{name: "delete policy q again", do: func(bk *Book) bool { return bk.DeletePolicy("q") }, changed: false},
		{name: "delete b", do: func(bk *Book) bool { return bk.Delete(b) }, changed: true, namespaces: []string{"ns1"},
			summaries: map[string]v1alpha2.PolicyReportSummary{"ns1": {}}},
	}
	book := NewBook(Options{})
	for _, s := range steps {
		assert.Equal(t, s.changed, s.do(book), "%s: changed", s.name)
		assert.Equal(t, s.namespaces, book.Changed(), "%s: changed namespaces", s.name)
		for ns, want := range s.summaries {
			rep, err := book.Report(ns)
			require.NoError(t, err)
			assert.Equal(t, want, rep.Summary, "%s: summary of %s", s.name, ns)
		}
	}
	assert.Empty(t, book.Namespaces(), "every resource is gone")
}

func TestDeletePolicyKeepsOtherPolicies(t *testing.T) {
	p, q := newPolicy("p"), newPolicy("q", inNamespace("ns1"))
	book := NewBook(Options{})
	book.Set(pod("ns1", "a"), []engine.PolicyResult{result(p, rule("r", engine.StatusFail, "x")),
		result(q, rule("r", engine.StatusPass, ""))})
	book.Set(namespaceObj("ns1"), []engine.PolicyResult{result(p, rule("r", engine.StatusPass, ""))})
	book.Changed()
	require.True(t, book.DeletePolicy("ns1/q"))
	assert.Equal(t, []string{"ns1"}, book.Changed(), "the cluster report holds no result of q")
	rep, err := book.Report("ns1")
	require.NoError(t, err)
	assert.Equal(t, []row{{Policy: "p", Rule: "r", Resource: "Pod/ns1/a", Result: "fail", Message: "x", Scored: true}},
		rowsOf(t, rep))
}

func TestTimestampsAndHash(t *testing.T) {
	p := newPolicy("p")
	a := pod("ns", "a")
	now := t0
	book := NewBook(Options{Now: fixedClock(&now)})
	book.Set(a, []engine.PolicyResult{result(p, rule("r1", engine.StatusPass, ""), rule("r2", engine.StatusPass, ""))})
	first, err := book.Report("ns")
	require.NoError(t, err)

	now = t0.Add(time.Hour)
	assert.False(t, book.Set(a, []engine.PolicyResult{result(p, rule("r2", engine.StatusPass, ""),
		rule("r1", engine.StatusPass, ""))}), "the same outcomes in another order")
	again, err := book.Report("ns")
	require.NoError(t, err)
	assert.Equal(t, first.Hash, again.Hash, "a re-scan with the same outcomes keeps the content")

	now = t0.Add(2 * time.Hour)
	assert.True(t, book.Set(a, []engine.PolicyResult{result(p, rule("r1", engine.StatusPass, ""),
		rule("r2", engine.StatusFail, "no"))}))
	changed, err := book.Report("ns")
	require.NoError(t, err)
	assert.NotEqual(t, first.Hash, changed.Hash)
	results := resultsOf(t, changed)
	require.Len(t, results, 2)
	assert.Equal(t, t0.Unix(), results[0].Timestamp.Seconds, "r1 kept its outcome and its timestamp")
	assert.Equal(t, now.Unix(), results[1].Timestamp.Seconds, "r2 changed outcome")

	signed := newPolicy("p", fromSource("git/prod", "v2", "sha256:2"))
	assert.True(t, book.Set(a, []engine.PolicyResult{result(signed, rule("r1", engine.StatusPass, ""),
		rule("r2", engine.StatusFail, "no"))}),
		"a new revision of the policy is new content")
}

func TestBookConcurrentUse(t *testing.T) {
	p := newPolicy("p")
	book := NewBook(Options{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 200 {
				res := pod(fmt.Sprintf("ns%d", i%3), fmt.Sprintf("w%d-%d", w, i))
				book.Set(res, []engine.PolicyResult{result(p, rule("r", engine.StatusFail, "no"))})
				_, err := book.Report(res.Namespace)
				assert.NoError(t, err)
				if i%2 == 1 {
					book.Delete(res)
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, ns := range book.Namespaces() {
		rep, err := book.Report(ns)
		require.NoError(t, err)
		total += rep.Summary.Fail
	}
	assert.Equal(t, 4*100, total)
}
