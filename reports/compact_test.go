package reports

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	"github.com/bylaw-dev/bylaw/engine"
)

// mixedBook returns a Book with, in namespace "ns", one Pod per status in statuses, each with one result of
// policy "p", rule "r"; Pod names are p00, p01, ... in the order of statuses.
// The clock is t0.
func mixedBook(opts Options, statuses ...engine.Status) *Book {
	now := t0
	opts.Now = fixedClock(&now)
	book := NewBook(opts)
	p := newPolicy("p")
	for i, s := range statuses {
		book.Set(pod("ns", fmt.Sprintf("p%02d", i)), []engine.PolicyResult{result(p, rule("r", s, "message "+string(s)))})
	}
	return book
}

func TestCompaction(t *testing.T) {
	const (
		pass, fail, warn = engine.StatusPass, engine.StatusFail, engine.StatusWarn
		errs, skip       = engine.StatusError, engine.StatusSkip
	)
	statuses := []engine.Status{pass, pass, fail, skip, pass, errs, warn, pass, fail}
	summary := v1alpha2.PolicyReportSummary{Pass: 4, Fail: 2, Warn: 1, Error: 1, Skip: 1}
	tests := []struct {
		name string
		opts Options
		// kept are the Pods whose results remain, in report order.
		kept []string
	}{
		{name: "under the cap everything stays", opts: Options{MaxResults: 9},
			kept: []string{"p00", "p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08"}},
		{name: "no cap", opts: Options{MaxResults: -1, MaxBytes: -1},
			kept: []string{"p00", "p01", "p02", "p03", "p04", "p05", "p06", "p07", "p08"}},
		{name: "passes go first", opts: Options{MaxResults: 6}, kept: []string{"p00", "p02", "p03", "p05", "p06", "p08"}},
		{name: "then skips", opts: Options{MaxResults: 4}, kept: []string{"p02", "p05", "p06", "p08"}},
		{name: "then warnings", opts: Options{MaxResults: 3}, kept: []string{"p02", "p05", "p08"}},
		{name: "failures and errors last, in report order", opts: Options{MaxResults: 2}, kept: []string{"p02", "p05"}},
		// The failures, the warning and the error take 238, 238, 238 and 240 bytes of JSON.
		{name: "a byte cap drops as a count cap does", opts: Options{MaxBytes: 3*238 + 240},
			kept: []string{"p02", "p05", "p06", "p08"}},
		{name: "one byte less drops one more", opts: Options{MaxBytes: 3*238 + 240 - 1}, kept: []string{"p02", "p05", "p08"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := mixedBook(tt.opts, statuses...).Report("ns")
			require.NoError(t, err)
			assert.Equal(t, summary, rep.Summary, "the summary counts every result")
			var kept []string
			for _, r := range resultsOf(t, rep) {
				kept = append(kept, r.Resources[0].Name)
			}
			assert.Equal(t, tt.kept, kept)
			dropped := len(statuses) - len(tt.kept)
			assert.Equal(t, dropped, rep.Dropped)
			want := map[string]string{HashAnnotation: rep.Hash}
			if dropped > 0 {
				want[DroppedAnnotation] = fmt.Sprint(dropped)
			}
			assert.Equal(t, want, rep.Object.GetAnnotations())
		})
	}
}

func TestMessages(t *testing.T) {
	long := strings.Repeat("x", 30)
	tests := []struct {
		name   string
		opts   Options
		status engine.Status
		msg    string
		want   string
	}{
		{name: "pass dropped", status: engine.StatusPass, msg: "rule passed", want: ""},
		{name: "pass kept when asked", opts: Options{PassMessages: true}, status: engine.StatusPass, msg: "rule passed",
			want: "rule passed"},
		{name: "failure trimmed", status: engine.StatusFail, msg: "\n  bad pod \n", want: "bad pod"},
		{name: "failure shortened", opts: Options{MessageLimit: 10}, status: engine.StatusFail, msg: long,
			want: "xxxxxxx..."},
		{name: "shortened at a character boundary", opts: Options{MessageLimit: 10}, status: engine.StatusFail,
			msg: "abcdef€€€€", want: "abcdef..."},
		{name: "a tiny limit", opts: Options{MessageLimit: 2}, status: engine.StatusFail, msg: long, want: ".."},
		{name: "no limit", opts: Options{MessageLimit: -1}, status: engine.StatusError, msg: strings.Repeat("y", 2000),
			want: strings.Repeat("y", 2000)},
		{name: "default limit", status: engine.StatusError, msg: strings.Repeat("y", 2000),
			want: strings.Repeat("y", DefaultMessageLimit-3) + "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			book := NewBook(tt.opts)
			book.Set(pod("ns", "a"), []engine.PolicyResult{result(newPolicy("p"), rule("r", tt.status, tt.msg))})
			rep, err := book.Report("ns")
			require.NoError(t, err)
			results := resultsOf(t, rep)
			require.Len(t, results, 1)
			assert.Equal(t, tt.want, results[0].Message)
		})
	}
}

func TestSizeIsTheEncodedLength(t *testing.T) {
	odd := []string{"", "plain", `quote " and \ backslash`, "tab\tnew\nline\rcr\bbell\f", "<html> & co", "\x01\x1f",
		"€ and \u2028 \u2029", "bad \xff utf-8", "日本語"}
	for _, s := range odd {
		data, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, len(data), jsonString(s), "%q", s)
	}
	book := NewBook(Options{})
	p := newPolicy("p", annotated(SeverityAnnotation, "low"), annotated(CategoryAnnotation, "Best <Practices>"),
		fromSource("git/x", "main@sha1:0123", "sha256:4567"))
	for i, s := range odd {
		book.Set(pod("ns", fmt.Sprintf("pod-%d", i)), []engine.PolicyResult{result(p, rule("r"+s, engine.StatusFail, s),
			engine.RuleResult{Rule: "ex", Status: engine.StatusSkip, Message: s, Exception: "ns/" + s})})
	}
	unscored := newPolicy("q", annotated(ScoredAnnotation, "false"))
	book.Set(namespaceObj("ns"), []engine.PolicyResult{result(unscored, rule("r", engine.StatusFail, "x"))})
	for _, opts := range []Options{{}, {MaxResults: 3}, {API: OpenReports}, {API: OpenReports, MaxResults: 3}} {
		book.opts = opts.withDefaults()
		for _, ns := range []string{"ns", ClusterScope} {
			rep, err := book.Report(ns)
			require.NoError(t, err)
			data, err := json.Marshal(rep.Object)
			require.NoError(t, err)
			assert.Equal(t, len(data), rep.Size, "report of %q", ns)
			for _, r := range resultsOf(t, rep) {
				var rendered any = r
				if opts.API == OpenReports {
					rendered = toOpenReports([]v1alpha2.PolicyReportResult{r})[0]
				}
				data, err := json.Marshal(rendered)
				require.NoError(t, err)
				assert.Equal(t, len(data), sizeOfRendered(t, book, ns, r), "result %s", data)
			}
		}
	}
}

// sizeOfRendered finds the record behind a rendered result and returns its estimated size.
func sizeOfRendered(t *testing.T, book *Book, ns string, r v1alpha2.PolicyReportResult) int {
	t.Helper()
	for _, e := range book.namespaces[ns] {
		for i := range e.records {
			it := item{res: &e.res, rec: &e.records[i]}
			if e.res.ref() == r.Resources[0] && it.rec.rule == r.Rule && it.rec.meta.key == r.Policy {
				return resultSize(it)
			}
		}
	}
	require.Failf(t, "no record", "for %s/%s", r.Policy, r.Rule)
	return 0
}
