package pattern

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzMatch compiles a JSON pattern and matches a JSON resource against it: compile errors are fine, panics are not,
// and the quick walk and the detailed walk must agree.
func FuzzMatch(f *testing.F) {
	f.Add([]byte(`{"spec":{"=(containers)":[{"(name)":"a*","image":"!*:latest"}]}}`),
		[]byte(`{"spec":{"containers":[{"name":"ab","image":"x:latest"}]}}`))
	f.Add([]byte(`{"spec":{"^(c)":[{"x":"<=1Gi | 1-5"}],"X(h)":null,"<(g)":">=1h"}}`),
		[]byte(`{"spec":{"c":[{"x":"2Gi"},{"x":3}],"g":"30m"}}`))
	f.Add([]byte(`{"m":{"l*":"?*","+(k)":[[1],[2.5]],"n":null}}`), []byte(`{"m":{"la":"","k":[[1],[2.5]]}}`))
	f.Add([]byte(`["a",{"b":1}]`), []byte(`["a","b"]`))
	f.Fuzz(func(t *testing.T, patternJSON, resourceJSON []byte) {
		var pattern, resource any
		if json.Unmarshal(patternJSON, &pattern) != nil || json.Unmarshal(resourceJSON, &resource) != nil {
			return
		}
		for _, r := range []any{resource, withInt64(resource)} {
			p, err := Compile(pattern)
			if err != nil {
				return
			}
			quick := p.root.match(walk{}, r, "")
			got := p.Match(r)
			require.Equal(t, quick.status, got.Status, "quick and detailed walks disagree")
			require.Equal(t, got, p.Match(r), "matching is not deterministic")
			if got.Status != StatusPass {
				require.NotEmpty(t, got.Message)
			}
		}
	})
}
