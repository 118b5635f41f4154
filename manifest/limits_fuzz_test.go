package manifest

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzLimitsBoundExpansion checks the bound Limits promise on any document: what Decode returns holds at most as
// many values as the document's nodes (at most two per byte) plus MaxAliasValues, nested at most MaxDepth deep; and
// Check refuses whatever Decode refuses for its limits in a document that may hold an alias.
func FuzzLimitsBoundExpansion(f *testing.F) {
	for _, s := range []string{aliasBomb(4), "a: &a [1, 2]\nb: [*a, *a]\nc: {<<: {x: *a}}\n", "a: &a {b: &b [1]}\nc: [*a, *b]\n", deepDocument(40)} {
		f.Add([]byte(s))
	}
	lim := Limits{MaxDepth: 20, MaxAliasValues: 500}
	f.Fuzz(func(t *testing.T, doc []byte) {
		v, err := lim.Decode(doc)
		if err != nil {
			// Check measures only documents that may hold an alias.
			if limitErr, ok := err.(*LimitError); ok && limitErr.What != "document" && bytes.IndexByte(doc, '*') >= 0 {
				require.ErrorIs(t, lim.Check(doc), ErrLimit, "Check refuses what Decode refuses: %v", err)
			}
			return
		}
		values, depth := measureValue(v)
		require.LessOrEqual(t, values, 2*len(doc)+1+lim.MaxAliasValues)
		require.LessOrEqual(t, depth, lim.MaxDepth+1)
	})
}

// measureValue counts the values of a decoded document (map keys included) and its depth.
func measureValue(v any) (values, depth int) {
	switch x := v.(type) {
	case map[string]any:
		values = 1
		for _, e := range x {
			n, d := measureValue(e)
			values, depth = values+n+1, max(depth, d)
		}
	case []any:
		values = 1
		for _, e := range x {
			n, d := measureValue(e)
			values, depth = values+n, max(depth, d)
		}
	default:
		return 1, 1
	}
	return values, depth + 1
}
