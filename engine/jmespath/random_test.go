package jmespath

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRandom(t *testing.T) {
	patterns := []string{
		"[0-9a-z]{5}",
		"[A-Z0-9]{8}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{12}",
		"(foo|bar)+x?",
		"a.b\\d*",
		"^[a-f]{2,4}$",
		"x{3,}",
	}
	jp := testInterpreter()
	for _, pattern := range patterns {
		t.Run(pattern, func(t *testing.T) {
			q, err := jp.Compile("random(@)")
			require.NoError(t, err)
			re := regexp.MustCompile("^(?:" + pattern + ")$")
			for range 20 {
				got, err := q.Search(pattern)
				require.NoError(t, err)
				assert.Regexp(t, re, got)
			}
		})
	}
	runCases(t, testInterpreter(), []fnCase{
		{name: "seeded is deterministic", expr: "random('[a-z]{8}')", want: firstRandom(t)},
		{name: "empty pattern", expr: "random('')", wantErr: "JMESPath function 'random': no pattern provided"},
		{name: "bad pattern", expr: "random('[')", wantErr: "JMESPath function 'random': error parsing regexp"},
		{name: "type error", expr: "random(`1`)", wantErr: "invalid type"},
		{name: "too long", expr: "random('(((a{1000}){1000}){1000})')", wantErr: "JMESPath function 'random'"},
	})
}

// firstRandom is what a fresh testInterpreter gives for random('[a-z]{8}').
func firstRandom(t *testing.T) string {
	t.Helper()
	q, err := testInterpreter().Compile("random('[a-z]{8}')")
	require.NoError(t, err)
	got, err := q.Search(nil)
	require.NoError(t, err)
	require.Len(t, got, 8)
	return got.(string)
}
