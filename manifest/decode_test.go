package manifest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sigsyaml "sigs.k8s.io/yaml"
)

type m = map[string]any
type l = []any

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		want any
		fast bool // the fast path decodes it (else yaml.v3 does)
	}{
		{name: "empty", doc: "", want: nil, fast: true},
		{name: "comments only", doc: "# a\n\n  # b\n", want: nil, fast: true},
		{name: "document start", doc: "--- # c\na: 1\n", want: m{"a": int64(1)}, fast: true},
		{name: "nested block collections", fast: true,
			doc:  "a:\n  b: x\n  c:\n  - 1\n  -\n  - - y\n    - z\n  - k: v\n    w: [ ]\nd: {}\n",
			want: m{"a": m{"b": "x", "c": l{int64(1), nil, l{"y", "z"}, m{"k": "v", "w": l{}}}}, "d": m{}}},
		{name: "indented sequence", doc: "a:\n    - 1\n    - 2\nb: 3\n", want: m{"a": l{int64(1), int64(2)}, "b": int64(3)}, fast: true},
		{name: "null values", doc: "a:\nb: ~\nc: null\n- \n", fast: false},
		{name: "null values in a mapping", doc: "a:\nb: ~\nc: null\n", want: m{"a": nil, "b": nil, "c": nil}, fast: true},
		{name: "keys stay text", doc: "on: 1\nyes: 2\n1: 3\ntrue: 4\n~: 5\n\"q\": 6\n'': 7\n",
			want: m{"on": int64(1), "yes": int64(2), "1": int64(3), "true": int64(4), "~": int64(5), "q": int64(6), "": int64(7)}, fast: true},
		{name: "comments", doc: "a: x # c\nb: y#z\n# d\nc:   # e\n  - 1 # f\n", want: m{"a": "x", "b": "y#z", "c": l{int64(1)}}, fast: true},
		{name: "plain scalars", doc: "a: http://x:80/p?q=1\nb: a b  c  \nc: -x\nd: [a:b, c]\n",
			want: m{"a": "http://x:80/p?q=1", "b": "a b  c", "c": "-x", "d": l{"a:b", "c"}}, fast: true},
		{name: "quoted scalars", doc: "a: 'it''s'\nb: \"\\x41\\u00e9\\U0001F600\\t\\\\\\\"\\N\\_\\0\"\nc: \"1\"\nd: ''\n",
			want: m{"a": "it's", "b": "Aé😀\t\\\"\u0085\u00a0\x00", "c": "1", "d": ""}, fast: true},
		{name: "literal block scalars", fast: true,
			doc:  "a: |\n  l1\n\n    l2\n  # not a comment\nb: |-\n  x\nc: |+\n  y\n\n\nd: 1\n",
			want: m{"a": "l1\n\n  l2\n# not a comment\n", "b": "x", "c": "y\n\n\n", "d": int64(1)}},
		{name: "folded block scalars", fast: true,
			doc:  "a: >\n  f1\n  f2\n\n  f3\n    more\n  f4\nb: >-\n  x\n  y\n",
			want: m{"a": "f1 f2\nf3\n  more\nf4\n", "b": "x y"}},
		{name: "block scalar in a sequence", doc: "- |\n  x\n- >-\n   y\n", want: l{"x\n", "y"}, fast: true},
		{name: "JSON", fast: true,
			doc:  "{\n  \"kind\": \"List\",\n  \"items\": [\n    {\"a\": 1.0, \"b\": [true, false, null], \"c\": \"\"}\n  ]\n}\n",
			want: m{"kind": "List", "items": l{m{"a": 1.0, "b": l{true, false, nil}, "c": ""}}}},
		{name: "unicode", doc: "é: ünï\n", want: m{"é": "ünï"}, fast: true},
		{name: "anchors and aliases", doc: "a: &x {b: 1}\nc: *x\n", want: m{"a": m{"b": int64(1)}, "c": m{"b": int64(1)}}},
		{name: "merge keys", doc: "a: &x {b: 1, c: 2}\nd:\n  c: 3\n  <<: *x\n", want: m{"a": m{"b": int64(1), "c": int64(2)}, "d": m{"b": int64(1), "c": int64(3)}}},
		{name: "tags", doc: "a: !!str 1\nb: !!float 2\n", want: m{"a": "1", "b": float64(2)}},
		{name: "multi-line plain scalar", doc: "a: x\n  y\n\n  z\n", want: m{"a": "x y\nz"}, fast: true},
		{name: "multi-line plain scalars in a sequence", doc: "- a\n  - b # c\n-\n  d\n   e\n", want: l{"a - b", "d e"}, fast: true},
		{name: "multi-line quoted scalar", doc: "a: \"x\n  y\"\n", want: m{"a": "x y"}, fast: true},
		{name: "multi-line quoted scalars", fast: true,
			doc:  "a: 'it''s\n\n  long'\nb: \"aaa bbb\\\n  \\ ccc \\\n  ddd\"\nc: \"x  \n\n\n   y\"\n",
			want: m{"a": "it's\nlong", "b": "aaa bbb ccc ddd", "c": "x\n\ny"}},
		{name: "multi-line quoted scalar at the parent's column", doc: "a: 'x\ny'\n", want: m{"a": "x y"}},
		{name: "tabs", doc: "a:\tb\n", want: m{"a": "b"}},
		{name: "complex key", doc: "? a\n: b\n", want: m{"a": "b"}},
		{name: "indentation indicator", doc: "a: |2\n   x\n", want: m{"a": " x\n"}},
		{name: "CRLF", doc: "a: 1\r\nb: 2\r\n", want: m{"a": int64(1), "b": int64(2)}},
		{name: "root scalar", doc: "hello\n", want: "hello"},
		{name: "null document", doc: "~\n", want: nil},
		{name: "BOM", doc: "\ufeffa: 1\n", want: m{"a": int64(1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.doc))
			if tt.name == "null values" {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			_, fast := decodeFast([]byte(tt.doc))
			assert.Equal(t, tt.fast, fast, "fast path")
			checkAgainstReference(t, []byte(tt.doc))
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{name: "duplicate key", doc: "a: 1\nb:\n  c: 1\n  c: 2\n", want: `line 4: key "c" already set`},
		{name: "duplicate key in flow", doc: "a: {b: 1, b: 2}\n", want: `line 1: key "b" already set`},
		{name: "infinity", doc: "a:\n  b: .inf\n", want: `line 2: bad number ".inf"`},
		{name: "NaN in a sequence", doc: "- .NaN\n", want: `line 1: bad number ".NaN"`},
		{name: "mapping in a value", doc: "a: b: c\n", want: "malformed YAML: yaml: mapping values are not allowed in this context"},
		{name: "bad indentation", doc: "a:\n  b: 1\n c: 2\n", want: "malformed YAML: yaml: line 2: did not find expected key"},
		{name: "unknown escape", doc: "a: 1\nb: \"\\/\"\n", want: "malformed YAML: yaml: line 2: found unknown escape character"},
		{name: "key after a merge key", doc: "a: &x {b: 1}\nd:\n  <<: *x\n  b: 3\n", want: `line 4: key "b" already set`},
		{name: "unclosed flow", doc: "a: [1, 2\nb: 3\n", want: "malformed YAML: yaml: line"},
		{name: "two documents", doc: "a: 1\n---\nb: 2\n", want: "line 2: a second YAML document"},
		{name: "document end marker", doc: "a: 1\n...\nb: 2\n", want: "malformed YAML: yaml: line 2: did not find expected <document start>"},
		{name: "deep nesting", doc: deepDocument(600), want: "line 1: nesting over the limit: more than 512 levels"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := decodeFast([]byte(tt.doc))
			assert.False(t, ok, "the fast path refuses it")
			_, err := Decode([]byte(tt.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func deepDocument(depth int) string {
	s := ""
	for range depth {
		s += "["
	}
	for range depth {
		s += "]"
	}
	return s + "\n"
}

func TestDecodePodsMatchesReference(t *testing.T) {
	docs, err := Split(podsYAML(t, 200))
	require.NoError(t, err)
	require.Len(t, docs, 200)
	for _, d := range docs {
		require.True(t, checkAgainstReference(t, d.Data), "generated Pods take the fast path:\n%s", d.Data)
	}
}

// TestDecodeMarshalledLongStrings covers what sigs.k8s.io/yaml (and so kubectl) writes for long strings: quoted
// scalars folded over several lines. They take the fast path.
func TestDecodeMarshalledLongStrings(t *testing.T) {
	long := strings.Repeat("word ", 40)
	values := []any{long, "x: " + long, "line1\nline2 " + long, "  lead " + long + "é\t", "- " + long, long + "\\ \"q\" ''"}
	out, err := sigsyaml.Marshal(m{"metadata": m{"annotations": m{"a": values[0]}}, "list": values})
	require.NoError(t, err)
	got, ok := decodeFast(out)
	require.True(t, ok, "fast path:\n%s", out)
	assert.Equal(t, m{"metadata": m{"annotations": m{"a": values[0]}}, "list": l(values)}, got)
	checkAgainstReference(t, out)
}
