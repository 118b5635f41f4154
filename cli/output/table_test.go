package output

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestTableAlignsColumns(t *testing.T) {
	tests := []struct {
		name  string
		table Table
		want  string
	}{
		{
			name:  "aligned",
			table: Table{Header: []string{"A", "LONG HEADER", "C"}, Rows: [][]string{{"x", "y", "z"}, {"wider", "", "last"}}},
			want:  "A      LONG HEADER  C\nx      y            z\nwider               last\n",
		},
		{
			name:  "indent and line breaks",
			table: Table{Indent: "  ", Header: []string{"K", "V"}, Rows: [][]string{{"k", "a\nb\tc\r"}}},
			want:  "  K  V\n  k  a b c \n",
		},
		{
			name:  "empty",
			table: Table{Header: []string{"K"}},
			want:  "",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			assert.NoError(t, tt.table.Write(&out))
			assert.Equal(t, tt.want, out.String())
		})
	}
}

type failingWriter struct{}

var errWrite = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestTableReportsWriteErrors(t *testing.T) {
	table := Table{Header: []string{"K"}}
	table.Add("v")
	assert.ErrorIs(t, table.Write(failingWriter{}), errWrite)
}
