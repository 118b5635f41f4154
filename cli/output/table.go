package output

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Table is an aligned text table: a header and rows of cells, written with two spaces between columns. Line breaks
// and tabs inside cells are replaced by spaces so every row stays on one line.
type Table struct {
	Indent string
	Header []string
	Rows   [][]string
}

// Add appends a row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// Write writes the table to w. An empty table writes nothing.
func (t *Table) Write(w io.Writer) error {
	if len(t.Rows) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	writeLine(tw, t.Indent, t.Header)
	for _, r := range t.Rows {
		writeLine(tw, t.Indent, r)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing table: %w", err)
	}
	return nil
}

var cellCleaner = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ")

func writeLine(w io.Writer, indent string, cells []string) {
	var b strings.Builder
	b.WriteString(indent)
	for i, c := range cells {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(cellCleaner.Replace(c))
	}
	b.WriteByte('\n')
	_, _ = io.WriteString(w, b.String())
}
