package pattern

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"sigs.k8s.io/yaml"
)

// corpusFile is one rule of a policy from the conformance corpus with the resources its Kyverno test suite checks.
type corpusFile struct {
	Policy  string `json:"policy"`
	Rule    string `json:"rule"`
	Pattern any    `json:"pattern"`
	Cases   []struct {
		Name     string `json:"name"`
		Want     string `json:"want"`
		Resource any    `json:"resource"`
	} `json:"cases"`
}

// TestCorpus replays rules of real policies (testdata/corpus, taken from the conformance corpus) against the good
// and bad resources of their Kyverno test suites.
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.yaml"))
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 10)
	rows := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		require.NoError(t, err)
		var cf corpusFile
		require.NoError(t, yaml.Unmarshal(raw, &cf), file)
		p, err := Compile(cf.Pattern)
		require.NoError(t, err, file)
		for _, c := range cf.Cases {
			rows++
			t.Run(cf.Policy+"/"+cf.Rule+"/"+c.Name, func(t *testing.T) {
				for _, resource := range []any{c.Resource, withInt64(c.Resource)} {
					got := p.Match(resource)
					assert.Equal(t, c.Want, got.Status.String(), "%+v", got)
				}
			})
		}
	}
	assert.GreaterOrEqual(t, rows, 40)
}
