package time

import (
	"testing"
	gotime "time"

	"github.com/google/cel-go/cel"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/bylaw-dev/bylaw/engine/cel/lib/libtest"
)

var fixed = gotime.Date(2026, 12, 7, 13, 45, 30, 0, gotime.UTC) // a Monday

func TestTime(t *testing.T) {
	env := libtest.Env(t, Lib(func() gotime.Time { return fixed }))
	tests := []struct {
		expr string
		want any
	}{
		{`time.now() == timestamp("2026-12-07T13:45:30Z")`, true},
		{`time.now() - duration("24h") > timestamp("2026-12-06T13:00:00Z")`, true},
		{`string(time.truncate(timestamp("2026-12-07T13:45:30Z"), duration("1h")))`, "2026-12-07T13:00:00Z"},
		{`string(time.truncate(time.now(), duration("15m")))`, "2026-12-07T13:45:00Z"},
		{`time.toCron(timestamp("2026-12-07T13:45:30Z"))`, "45 13 7 12 1"},
		{`time.toCron(timestamp("2027-01-03T00:05:00Z"))`, "5 0 3 1 0"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			assert.Equal(t, tt.want, libtest.Eval(t, env, tt.expr, nil).Native(t))
		})
	}
}

func TestTimeNowReadsTheClock(t *testing.T) {
	env := libtest.Env(t, Lib(nil), cel.Variable("t", cel.TimestampType))
	before := gotime.Now().Add(-gotime.Second)
	after := gotime.Now().Add(gotime.Hour)
	assert.Equal(t, true, libtest.Eval(t, env, `time.now() > t`, map[string]any{"t": before}).Native(t))
	assert.Equal(t, false, libtest.Eval(t, env, `time.now() > t`, map[string]any{"t": after}).Native(t))
}

func TestTimeErrors(t *testing.T) {
	env := libtest.Env(t, Lib(nil))
	tests := []struct{ expr, compileErr, evalErr string }{
		{expr: `time.now(1)`, compileErr: "found no matching overload"},
		{expr: `time.truncate("2026-01-01T00:00:00Z", duration("1h"))`, compileErr: "found no matching overload"},
		{expr: `time.toCron(1)`, compileErr: "found no matching overload"},
		{expr: `time.toCron(dyn("x"))`, evalErr: "no such overload"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			if tt.compileErr != "" {
				assert.Contains(t, libtest.CompileError(env, tt.expr), tt.compileErr)
				return
			}
			res := libtest.Eval(t, env, tt.expr, nil)
			require.Error(t, res.Err)
			assert.Contains(t, res.Err.Error(), tt.evalErr)
		})
	}
}
