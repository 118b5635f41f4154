package manifest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		want    []Document
		wantErr string
	}{
		{name: "empty", data: ""},
		{name: "one document", data: "a: 1\nb: 2", want: []Document{{Index: 1, Line: 1, Data: []byte("a: 1\nb: 2\n")}}},
		{name: "separators", data: "a: 1\n---\nb: 2\n--- # c\nc: 3\n",
			want: []Document{{Index: 1, Line: 1, Data: []byte("a: 1\n")}, {Index: 2, Line: 3, Data: []byte("b: 2\n")},
				{Index: 3, Line: 5, Data: []byte("c: 3\n")}}},
		{name: "a leading separator stays", data: "---\na: 1\n---\n---\nb: 2\n",
			want: []Document{{Index: 1, Line: 1, Data: []byte("---\na: 1\n")}, {Index: 2, Line: 4, Data: []byte("---\nb: 2\n")}}},
		{name: "blank documents count", data: "# c\n---\n\n---\na: 1\n",
			want: []Document{{Index: 3, Line: 5, Data: []byte("a: 1\n")}}},
		{name: "CRLF", data: "a: 1\r\n---\r\nb: 2\r\n",
			want: []Document{{Index: 1, Line: 1, Data: []byte("a: 1\n")}, {Index: 2, Line: 3, Data: []byte("b: 2\n")}}},
		{name: "indented dashes do not separate", data: "a: |\n  ---\n  x\n",
			want: []Document{{Index: 1, Line: 1, Data: []byte("a: |\n  ---\n  x\n")}}},
		{name: "content after a separator", data: "a: 1\n--- b\n", wantErr: `document 1: line 2: invalid YAML document separator "b"`},
		{name: "four dashes", data: "----\n", wantErr: `invalid YAML document separator "-"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Split([]byte(tt.data))
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			want, err := readerDocuments([]byte(tt.data))
			require.NoError(t, err)
			require.Len(t, want, len(got), "YAMLReader agrees")
			for i := range want {
				assert.Equal(t, string(want[i].Data), string(got[i].Data))
			}
		})
	}
}

func TestSplitSharesMemoryWithoutCRLF(t *testing.T) {
	data := []byte("a: 1\n---\nb: 2\n")
	docs, err := Split(data)
	require.NoError(t, err)
	require.Len(t, docs, 2)
	assert.Same(t, &data[0], &docs[0].Data[0])
	assert.Equal(t, len(docs[0].Data), cap(docs[0].Data), "appending to a document cannot overwrite the next one")
}
