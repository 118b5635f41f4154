package kyvernotest

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/bylaw-dev/bylaw/cli/output"
)

// writeText prints one header per suite (with its warnings and, when asked or when rows failed, a table), the
// folder summary when asked, and finally the line `N passed, N failed, N skipped`.
func writeText(w io.Writer, r *Report, o Options) error {
	p := &printer{w: w}
	for i := range r.Tests {
		t := &r.Tests[i]
		p.printf("Test %s (%s): %s\n", t.Name, t.Path, countsLine(t.Counts))
		for _, warn := range t.Warnings {
			p.printf("  warning: %s\n", warn)
		}
		p.table(rowsTable(t.Rows, o.DetailedResults))
	}
	if o.FolderSummary {
		p.printf("\n")
		p.table(foldersTable(r.Folders))
	}
	p.printf("\n%s\n", countsLine(r.Counts))
	return p.err
}

func countsLine(c Counts) string {
	return fmt.Sprintf("%d passed, %d failed, %d skipped", c.Passed, c.Failed, c.Skipped)
}

// rowsTable lists every row, or only failed rows when all is false.
func rowsTable(rows []Row, all bool) *output.Table {
	t := &output.Table{Indent: "  ", Header: []string{"ID", "POLICY", "RULE", "RESOURCE", "RESULT", "REASON"}}
	for i, r := range rows {
		if all || r.Outcome == OutcomeFail {
			t.Add(strconv.Itoa(i+1), r.Policy, r.Rule, r.Resource, string(r.Outcome), r.Reason)
		}
	}
	return t
}

func foldersTable(folders []FolderCount) *output.Table {
	t := &output.Table{Header: []string{"FOLDER", "PASSED", "FAILED", "SKIPPED"}}
	for _, f := range folders {
		t.Add(f.Folder, strconv.Itoa(f.Passed), strconv.Itoa(f.Failed), strconv.Itoa(f.Skipped))
	}
	return t
}

func writeJSON(w io.Writer, r *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing JSON report: %w", err)
	}
	return nil
}

// printer keeps the first write error so printing code stays linear.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}

func (p *printer) table(t *output.Table) {
	if p.err == nil {
		p.err = t.Write(p.w)
	}
}
