package manifest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
	yaml "go.yaml.in/yaml/v3"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// trickySeeds are small documents near the edges of the fast path.
var trickySeeds = []string{
	"a: 1\nb: [x, 'y', \"z\"]\nc: {d: e, \"f\":1}\n",
	"a:\n- x\n-\n- - y\n  - z\nb: |\n  l1\n\n  l2\n\nc: >-\n  f1\n  f2\n\n   more\n  f3\n",
	"- a: 1\n  b:\n  - c\n- |+\n x\n\n",
	"a: 'it''s'\nb: \"\\x41\\u00e9\\U0001F600\\t\\\\\"\nc: 0x1F\nd: 0o17\ne: 1_000\nf: .5\ng: 1e3\nh: ~\ni: yes\n",
	"a: &x 1\nb: *x\n",
	"a: b: c\n",
	"a: x\n  y\n",
	"a: 1\na: 2\n",
	"<<: {a: 1}\n",
	"a: .inf\n",
	"a: 2001-12-14\nb: 2001-12-14t21:59:43.10-05:00\n",
	"{\"a\": [1, 2.5, true, null]}\n",
	"a: |\n  x\n b: 1\n",
	"a: >\n\n  x\n",
	"a:   # c\n  # d\n  b: 1 # e\n",
	"{\n  \"apiVersion\": \"v1\",\n  \"items\": [\n    {\"a\": 1.0, \"b\": [true, false, null]},\n    \"x\"\n  ],\n  \"e\": {}\n}\n",
	"[\n  1,\n  a b\n  ,\n  # c\n  'x'\n]\n",
}

func addDecodeSeeds(f *testing.F) {
	for _, s := range trickySeeds {
		f.Add([]byte(s))
	}
	docs, err := Split(podsYAML(f, 3))
	require.NoError(f, err)
	for _, d := range docs {
		f.Add(d.Data)
	}
	if corpusRoot() == "" {
		return
	}
	for _, file := range corpusResourceFiles(f) {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		docs, err := Split(data)
		if err != nil {
			continue
		}
		for _, d := range docs {
			f.Add(d.Data)
		}
	}
}

// FuzzDecodeMatchesReference checks that whenever the fast path accepts a document, the reference (yaml.v3 and the
// conversion) accepts it too with a deep-equal result.
func FuzzDecodeMatchesReference(f *testing.F) {
	addDecodeSeeds(f)
	f.Fuzz(func(t *testing.T, doc []byte) {
		checkAgainstReference(t, doc)
	})
}

// FuzzResolveMatchesReference checks plain scalar resolution against yaml.v3's resolver and the reference
// conversion.
func FuzzResolveMatchesReference(f *testing.F) {
	for _, row := range scalarRows {
		f.Add(row.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := scalarValue(&yaml.Node{Kind: yaml.ScalarNode, Value: s})
		got, ok := resolvePlain(s)
		require.Equalf(t, err == nil, ok, "%q: reference error %v", s, err)
		if ok {
			require.Equalf(t, want, got, "%q", s)
		}
	})
}

// FuzzSplitMatchesYAMLReader checks Split against k8s.io/apimachinery's YAMLReader.
func FuzzSplitMatchesYAMLReader(f *testing.F) {
	for _, s := range []string{"a: 1\n---\nb: 2", "---\n---\n# c\n---\r\nx\r\n", "--- # c\na\n---x\n", "a\r", "  ---\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantErr := readerDocuments(data)
		got, err := Split(data)
		require.Equalf(t, wantErr == nil, err == nil, "errors differ: %v vs %v", wantErr, err)
		if err != nil {
			return
		}
		require.Len(t, got, len(want))
		for i := range got {
			require.Equal(t, want[i].Index, got[i].Index)
			require.Equal(t, string(want[i].Data), string(got[i].Data))
		}
	})
}

// readerDocuments splits data with YAMLReader, keeping the non-blank documents.
func readerDocuments(data []byte) ([]Document, error) {
	// A buffer larger than data: with bufio's default 4096 bytes, YAMLReader drops a last line that has no line end
	// and whose length is a multiple of the buffer size (testdata/fuzz/FuzzSplitMatchesYAMLReader/669b3ad6ffceb419).
	reader := utilyaml.NewYAMLReader(bufio.NewReaderSize(bytes.NewReader(data), len(data)+16))
	var docs []Document
	for index := 1; ; index++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if !isBlank(raw) {
			docs = append(docs, Document{Index: index, Data: raw})
		}
	}
}
