package reports

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	orv1alpha1 "github.com/bylaw-dev/bylaw/api/openreports/v1alpha1"
	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/engine"
)

// row is what the tests check of a report result.
type row struct {
	Policy, Rule, Resource string
	Result                 v1alpha2.PolicyResult
	Message                string
	Severity               v1alpha2.PolicySeverity
	Category               string
	Scored                 bool
	Properties             map[string]string
}

// rowsOf projects the results of a report.
func rowsOf(t *testing.T, rep Report) []row {
	t.Helper()
	var out []row
	for _, r := range resultsOf(t, rep) {
		require.Len(t, r.Resources, 1)
		ref := r.Resources[0]
		assert.Equal(t, Source, r.Source)
		out = append(out, row{Policy: r.Policy, Rule: r.Rule, Resource: ref.Kind + "/" + ref.Namespace + "/" + ref.Name,
			Result: r.Result, Message: r.Message, Severity: r.Severity, Category: r.Category, Scored: r.Scored,
			Properties: r.Properties})
	}
	return out
}

// resultsOf returns the results of either kind of report.
func resultsOf(t *testing.T, rep Report) []v1alpha2.PolicyReportResult {
	t.Helper()
	switch rep.Object.(type) {
	case *v1alpha2.PolicyReport, *v1alpha2.ClusterPolicyReport, *orv1alpha1.Report, *orv1alpha1.ClusterReport:
		return ResultsOf(rep.Object)
	}
	require.Failf(t, "unexpected report type", "%T", rep.Object)
	return nil
}

// input is the results of one resource.
type input struct {
	res     Resource
	results []engine.PolicyResult
}

func TestReportResults(t *testing.T) {
	plain := newPolicy("plain")
	rated := newPolicy("rated", annotated(SeverityAnnotation, "high"), annotated(CategoryAnnotation, "Pod Security"))
	shouting := newPolicy("shouting", annotated(SeverityAnnotation, " Critical "))
	bogus := newPolicy("bogus", annotated(SeverityAnnotation, "urgent"))
	unscored := newPolicy("unscored", annotated(ScoredAnnotation, "false"))
	signed := newPolicy("signed", fromSource("git/prod", "main@sha1:abc", "sha256:def"))
	local := newPolicy("local", inNamespace("team"))
	a, b := pod("team", "a"), pod("team", "b")
	tests := []struct {
		name      string
		inputs    []input
		namespace string
		summary   v1alpha2.PolicyReportSummary
		want      []row
	}{{
		name: "pass messages are dropped, other messages kept",
		inputs: []input{{a, []engine.PolicyResult{result(plain, rule("r1", engine.StatusPass, "rule r1 passed"),
			rule("r2", engine.StatusFail, "  bad\n"), rule("r3", engine.StatusSkip, "excluded"))}}},
		namespace: "team",
		summary:   v1alpha2.PolicyReportSummary{Pass: 1, Fail: 1, Skip: 1},
		want: []row{
			{Policy: "plain", Rule: "r1", Resource: "Pod/team/a", Result: "pass", Scored: true},
			{Policy: "plain", Rule: "r2", Resource: "Pod/team/a", Result: "fail", Message: "bad", Scored: true},
			{Policy: "plain", Rule: "r3", Resource: "Pod/team/a", Result: "skip", Message: "excluded", Scored: true},
		},
	}, {
		name: "severity and category from the policy annotations, normalised or dropped",
		inputs: []input{{a, []engine.PolicyResult{result(rated, rule("r", engine.StatusFail, "x")),
			result(shouting, rule("r", engine.StatusPass, "")), result(bogus, rule("r", engine.StatusError, "boom"))}}},
		namespace: "team",
		summary:   v1alpha2.PolicyReportSummary{Pass: 1, Fail: 1, Error: 1},
		want: []row{
			{Policy: "bogus", Rule: "r", Resource: "Pod/team/a", Result: "error", Message: "boom", Scored: true},
			{Policy: "rated", Rule: "r", Resource: "Pod/team/a", Result: "fail", Message: "x", Severity: "high",
				Category: "Pod Security", Scored: true},
			{Policy: "shouting", Rule: "r", Resource: "Pod/team/a", Result: "pass", Severity: "critical", Scored: true},
		},
	}, {
		name: "an unscored policy reports failures as warnings",
		inputs: []input{{a, []engine.PolicyResult{result(unscored, rule("r", engine.StatusFail, "meh"),
			rule("s", engine.StatusPass, ""))}}},
		namespace: "team",
		summary:   v1alpha2.PolicyReportSummary{Pass: 1, Warn: 1},
		want: []row{
			{Policy: "unscored", Rule: "r", Resource: "Pod/team/a", Result: "warn", Message: "meh"},
			{Policy: "unscored", Rule: "s", Resource: "Pod/team/a", Result: "pass"},
		},
	}, {
		name: "provenance and exception become properties",
		inputs: []input{{a, []engine.PolicyResult{result(signed, rule("r", engine.StatusPass, "")),
			result(plain, engine.RuleResult{Rule: "r", Status: engine.StatusSkip, Message: "excepted",
				Exception: "team/allow"})}}},
		namespace: "team",
		summary:   v1alpha2.PolicyReportSummary{Pass: 1, Skip: 1},
		want: []row{
			{Policy: "plain", Rule: "r", Resource: "Pod/team/a", Result: "skip", Message: "excepted", Scored: true,
				Properties: map[string]string{PropertyException: "team/allow"}},
			{Policy: "signed", Rule: "r", Resource: "Pod/team/a", Result: "pass", Scored: true, Properties: map[string]string{
				PropertySource: "git/prod", PropertyRevision: "main@sha1:abc", PropertyDigest: "sha256:def"}},
		},
	}, {
		name: "ordered by policy, rule and resource whatever the input order; namespaced policies by key",
		inputs: []input{
			{b, []engine.PolicyResult{result(plain, rule("z", engine.StatusPass, ""), rule("a", engine.StatusFail, "f")),
				result(local, rule("r", engine.StatusPass, ""))}},
			{a, []engine.PolicyResult{result(plain, rule("a", engine.StatusPass, ""))}},
		},
		namespace: "team",
		summary:   v1alpha2.PolicyReportSummary{Pass: 3, Fail: 1},
		want: []row{
			{Policy: "plain", Rule: "a", Resource: "Pod/team/a", Result: "pass", Scored: true},
			{Policy: "plain", Rule: "a", Resource: "Pod/team/b", Result: "fail", Message: "f", Scored: true},
			{Policy: "plain", Rule: "z", Resource: "Pod/team/b", Result: "pass", Scored: true},
			{Policy: "team/local", Rule: "r", Resource: "Pod/team/b", Result: "pass", Scored: true},
		},
	}, {
		name: "cluster-scoped resources go to the cluster report",
		inputs: []input{{namespaceObj("team"), []engine.PolicyResult{result(plain, rule("r", engine.StatusFail, "no"))}},
			{a, []engine.PolicyResult{result(plain, rule("r", engine.StatusPass, ""))}}},
		namespace: ClusterScope,
		summary:   v1alpha2.PolicyReportSummary{Fail: 1},
		want: []row{{Policy: "plain", Rule: "r", Resource: "Namespace//team", Result: "fail", Message: "no",
			Scored: true}},
	}, {
		name:      "a namespace without results has an empty report",
		inputs:    []input{{a, []engine.PolicyResult{result(plain, rule("r", engine.StatusPass, ""))}}},
		namespace: "other",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			now := t0
			book := NewBook(Options{Now: fixedClock(&now)})
			for _, in := range tt.inputs {
				book.Set(in.res, in.results)
			}
			rep, err := book.Report(tt.namespace)
			require.NoError(t, err)
			assert.Equal(t, tt.summary, rep.Summary)
			assert.Equal(t, tt.want, rowsOf(t, rep))
			assert.Equal(t, len(tt.want) == 0, rep.Empty())
			for _, r := range resultsOf(t, rep) {
				assert.Equal(t, t0.Unix(), r.Timestamp.Seconds, "timestamp of %s/%s", r.Policy, r.Rule)
			}
		})
	}
}

func TestReportObject(t *testing.T) {
	book := NewBook(Options{})
	book.Set(pod("team", "a"), []engine.PolicyResult{result(newPolicy("p"), rule("r", engine.StatusFail, "no"))})
	book.Set(namespaceObj("team"), []engine.PolicyResult{result(newPolicy("p"), rule("r", engine.StatusPass, ""))})
	reports, err := book.Reports()
	require.NoError(t, err)
	require.Len(t, reports, 2)

	cluster, ok := reports[0].Object.(*v1alpha2.ClusterPolicyReport)
	require.True(t, ok, "the cluster report comes first: %T", reports[0].Object)
	assert.Equal(t, "ClusterPolicyReport", cluster.Kind)
	assert.Equal(t, "wgpolicyk8s.io/v1alpha2", cluster.APIVersion)
	assert.Equal(t, ClusterPolicyReportName, cluster.Name)
	assert.Empty(t, cluster.Namespace)
	assert.Nil(t, cluster.Scope)

	polr, ok := reports[1].Object.(*v1alpha2.PolicyReport)
	require.True(t, ok, "%T", reports[1].Object)
	assert.Equal(t, "PolicyReport", polr.Kind)
	assert.Equal(t, PolicyReportName, polr.Name)
	assert.Equal(t, "team", polr.Namespace)
	assert.Equal(t, map[string]string{ManagedByLabel: Source}, polr.Labels)
	assert.Equal(t, map[string]string{HashAnnotation: reports[1].Hash}, polr.Annotations)
	require.NotNil(t, polr.Scope)
	assert.Equal(t, "Namespace", polr.Scope.Kind)
	assert.Equal(t, "team", polr.Scope.Name)
	assert.Equal(t, v1alpha2.PolicyReportSummary{Fail: 1}, polr.Summary)
	assert.Len(t, reports[1].Hash, 64)
	assert.NotEqual(t, reports[0].Hash, reports[1].Hash)
}

func TestResourceOf(t *testing.T) {
	obj := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment",
		"metadata": map[string]any{"name": "web", "namespace": "shop", "uid": "1234"}}
	assert.Equal(t, Resource{APIVersion: "apps/v1", Kind: "Deployment", Namespace: "shop", Name: "web", UID: "1234"},
		ResourceOf(obj))
	assert.Equal(t, Resource{Kind: "Node"}, ResourceOf(map[string]any{"kind": "Node", "metadata": "not a map"}))
}
