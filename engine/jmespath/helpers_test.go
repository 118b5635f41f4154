package jmespath

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fixedNow is the clock of testInterpreter.
var fixedNow = time.Date(2023, time.January, 12, 17, 37, 0, 0, time.UTC)

// testInterpreter has a fixed clock, a seeded random source and no resolver.
func testInterpreter(opts ...Option) *Interpreter {
	base := []Option{
		WithClock(func() time.Time { return fixedNow }),
		WithRandom(rand.NewPCG(1, 2)),
		WithResolver(nil),
	}
	return New(append(base, opts...)...)
}

// fnCase is one expression evaluated against data.
type fnCase struct {
	name    string
	expr    string
	data    any
	want    any
	wantErr string
}

func runCases(t *testing.T, jp *Interpreter, cases []fnCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := jp.Compile(tc.expr)
			require.NoError(t, err)
			got, err := q.Search(tc.data)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
