package output

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Table is an aligned text table: a header and rows of cells, written with two spaces between columns. Line breaks
// and tabs inside cells become spaces so every row stays on one line.
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
	buf := bufio.NewWriterSize(w, 64<<10)
	tw := tabwriter.NewWriter(buf, 0, 0, 2, ' ', 0)
	line := appendLine(make([]byte, 0, 256), t.Indent, t.Header)
	_, _ = tw.Write(line) // tabwriter keeps everything until Flush, which reports errors
	for _, r := range t.Rows {
		line = appendLine(line[:0], t.Indent, r)
		_, _ = tw.Write(line)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing table: %w", err)
	}
	if err := buf.Flush(); err != nil {
		return fmt.Errorf("writing table: %w", err)
	}
	return nil
}

func appendLine(b []byte, indent string, cells []string) []byte {
	b = append(b, indent...)
	for i, c := range cells {
		if i > 0 {
			b = append(b, '\t')
		}
		b = appendCell(b, c)
	}
	return append(b, '\n')
}

// appendCell appends s with line breaks and tabs replaced by spaces.
func appendCell(b []byte, s string) []byte {
	if !strings.ContainsAny(s, "\r\n\t") {
		return append(b, s...)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\r' || c == '\n' || c == '\t' {
			c = ' '
		}
		b = append(b, c)
	}
	return b
}
