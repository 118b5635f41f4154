package conditions

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// row is one `key <op> value` case.
type row struct {
	name       string
	key, value any
	want       bool
}

// runRows evaluates every row with op, each as a subtest.
func runRows(t *testing.T, op Operator, rows []row) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			got, err := Evaluate(op, r.key, r.value)
			require.NoError(t, err)
			assert.Equal(t, r.want, got, "%#v %s %#v", r.key, op, r.value)
		})
	}
}

// list builds a []any, as decoders do; without items it is nil, so tests write []any{} for an empty list.
func list(items ...any) []any { return items }

// obj builds a map[string]any from key/value pairs.
func obj(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}
