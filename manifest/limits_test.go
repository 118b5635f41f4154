package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// aliasBomb is a document of levels levels of ten aliases each: 10^levels values once expanded, from a few hundred
// bytes.
func aliasBomb(levels int) string {
	var b strings.Builder
	b.WriteString("kind: ConfigMap\ndata:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "  l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d,", i-1), 10), ","))
	}
	return b.String()
}

func TestLimitsDecode(t *testing.T) {
	bomb, err := os.ReadFile(filepath.Join("testdata", "alias-bomb.yaml"))
	require.NoError(t, err)
	tests := []struct {
		name string
		lim  Limits
		doc  string
		want string // error; "" when the document decodes
	}{
		{name: "alias bomb of the test data", doc: string(bomb), want: "line 14: alias expansion over the limit: more than 250000 values"},
		{name: "alias bomb of a million values", doc: aliasBomb(6), want: "alias expansion over the limit: more than 250000 values"},
		{name: "alias bomb within a raised limit", lim: Limits{MaxAliasValues: 2_000_000}, doc: aliasBomb(6)},
		{name: "anchors and merge keys as people write them", doc: "base: &b {image: x, env: [{name: a, value: b}]}\n" +
			"one:\n  <<: *b\n  name: one\ntwo:\n  <<: *b\n  name: two\n"},
		{name: "aliases at the limit", lim: Limits{MaxAliasValues: 8}, doc: "a: &x [1, 2, 3]\nb: *x\nc: *x\n"},
		{name: "aliases one over the limit", lim: Limits{MaxAliasValues: 7}, doc: "a: &x [1, 2, 3]\nb: *x\nc: *x\n",
			want: "line 3: alias expansion over the limit: more than 7 values"},
		{name: "nested aliases count as expanded", lim: Limits{MaxAliasValues: 13}, doc: "a: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n",
			want: "line 3: alias expansion over the limit: more than 13 values"},
		{name: "nested aliases within the limit", lim: Limits{MaxAliasValues: 14}, doc: "a: &a [1]\nb: &b [*a, *a]\nc: [*b, *b]\n"},
		{name: "nesting within a low limit", lim: Limits{MaxDepth: 3}, doc: "a: {b: {c: 1}}\n"},
		{name: "nesting over a low limit", lim: Limits{MaxDepth: 3}, doc: "a: {b: {c: {d: 1}}}\n",
			want: "line 1: nesting over the limit: more than 3 levels"},
		{name: "nesting through an alias", lim: Limits{MaxDepth: 4}, doc: "a: &x {b: {c: 1}}\nd: {e: *x}\n",
			want: "line 2: nesting over the limit: more than 4 levels"},
		{name: "document over the size limit", lim: Limits{MaxBytes: 10}, doc: "a: 12345678\n",
			want: "document over the limit: 12 bytes, more than 10"},
		{name: "document at the size limit", lim: Limits{MaxBytes: 12}, doc: "a: 12345678\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := tt.lim.Decode([]byte(tt.doc))
			assert.Less(t, time.Since(start), time.Second)
			if tt.want == "" {
				require.NoError(t, err)
				require.NoError(t, tt.lim.Check([]byte(tt.doc)))
				return
			}
			require.ErrorIs(t, err, ErrLimit)
			assert.Contains(t, err.Error(), tt.want)
			if strings.Contains(tt.doc, "*") || strings.HasPrefix(tt.want, "document") {
				err := tt.lim.Check([]byte(tt.doc))
				require.ErrorIs(t, err, ErrLimit)
				assert.Contains(t, err.Error(), tt.want)
			}
		})
	}
}

func TestCheckLeavesOthersToTheDecoder(t *testing.T) {
	tests := map[string]string{
		"no alias, deep":            deepDocument(600),
		"malformed with an alias":   "a: *x\n",
		"alias in a later document": "a: 1\n---\nb: &b [1]\nc: *b\n",
		"asterisks in text":         "rules: [{resources: ['*'], verbs: ['*']}]\n",
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			assert.NoError(t, Limits{}.Check([]byte(doc)))
		})
	}
	t.Run("an alias of itself", func(t *testing.T) {
		err := Limits{}.Check([]byte("a: &a [1, *a]\n"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), `anchor "a" holds an alias of itself`)
		_, err = Decode([]byte("a: &a [1, *a]\n"))
		assert.ErrorContains(t, err, `anchor "a" holds an alias of itself`)
	})
	t.Run("a bomb in a later document", func(t *testing.T) {
		assert.ErrorIs(t, Limits{}.Check([]byte("a: 1\n---\n"+aliasBomb(7))), ErrLimit)
	})
}

func TestLimitsReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int64) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		require.NoError(t, err)
		require.NoError(t, f.Truncate(size)) // sparse: nothing is written
		require.NoError(t, f.Close())
		return p
	}
	tests := []struct {
		name, path string
		lim        Limits
		want       string // error; "" when the file is read
		size       int
	}{
		{name: "at the limit", path: write("at.yaml", 1<<10), lim: Limits{MaxBytes: 1 << 10}, size: 1 << 10},
		{name: "one byte over", path: write("over.yaml", 1<<10+1), lim: Limits{MaxBytes: 1 << 10},
			want: "over.yaml: file over the limit: 1025 bytes, more than 1024"},
		{name: "a terabyte is refused unread", path: write("huge.yaml", 1<<40),
			want: "huge.yaml: file over the limit: 1099511627776 bytes, more than 33554432"},
		{name: "a device without a size is cut off", path: "/dev/zero", lim: Limits{MaxBytes: 1 << 20},
			want: "read /dev/zero: file over the limit: more than 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			data, err := tt.lim.ReadFile(tt.path)
			assert.Less(t, time.Since(start), time.Second)
			if tt.want == "" {
				require.NoError(t, err)
				assert.Len(t, data, tt.size)
				return
			}
			require.ErrorIs(t, err, ErrLimit)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	t.Run("a folder", func(t *testing.T) {
		_, err := Limits{}.ReadFile(dir)
		assert.ErrorContains(t, err, "is a folder")
	})
}
