package kyvernotest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSummarizeCountsPerFolder(t *testing.T) {
	rows := func(outcomes ...Outcome) []Row {
		var out []Row
		for _, o := range outcomes {
			out = append(out, Row{Outcome: o})
		}
		return out
	}
	reports := []TestReport{
		{Folder: "b", Rows: rows(OutcomePass, OutcomeFail)},
		{Folder: "a", Rows: rows(OutcomeSkip)},
		{Folder: "b", Rows: rows(OutcomePass, OutcomePass, OutcomeSkip)},
	}
	for i := range reports {
		reports[i].Counts = countRows(reports[i].Rows)
	}
	got := summarize(reports)
	assert.Equal(t, Counts{Passed: 3, Failed: 1, Skipped: 2}, got.Counts)
	assert.Equal(t, []FolderCount{
		{Folder: "a", Counts: Counts{Skipped: 1}},
		{Folder: "b", Counts: Counts{Passed: 3, Failed: 1, Skipped: 1}},
	}, got.Folders)
	assert.Equal(t, "3 passed, 1 failed, 2 skipped", countsLine(got.Counts))
}
