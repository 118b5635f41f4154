package time

import (
	"strconv"
	gotime "time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"

	"github.com/bylaw-dev/bylaw/engine/cel/lib"
)

// Overload IDs, as Kyverno names them.
const (
	overloadNow      = "time_now"
	overloadTruncate = "time_truncate"
	overloadToCron   = "time_to_cron"
)

// Lib returns the time library; now reads the clock (time.Now when nil), so tests can fix it.
func Lib(now func() gotime.Time) cel.EnvOption {
	if now == nil {
		now = gotime.Now
	}
	return cel.Lib(library{now: now})
}

type library struct{ now func() gotime.Time }

// LibraryName implements cel.Library.
func (library) LibraryName() string { return "kyverno.time" }

// CompileOptions implements cel.Library.
func (l library) CompileOptions() []cel.EnvOption {
	est, _ := costs()
	return []cel.EnvOption{est,
		cel.Function("time.now", cel.Overload(overloadNow, []*cel.Type{}, cel.TimestampType,
			cel.FunctionBinding(func(...ref.Val) ref.Val { return types.Timestamp{Time: l.now()} }))),
		cel.Function("time.truncate", cel.Overload(overloadTruncate, []*cel.Type{cel.TimestampType, cel.DurationType},
			cel.TimestampType, cel.BinaryBinding(truncate))),
		cel.Function("time.toCron", cel.Overload(overloadToCron, []*cel.Type{cel.TimestampType}, cel.StringType,
			cel.UnaryBinding(toCron))),
	}
}

// ProgramOptions implements cel.Library.
func (library) ProgramOptions() []cel.ProgramOption {
	_, track := costs()
	return []cel.ProgramOption{track}
}

func costs() (cel.EnvOption, cel.ProgramOption) {
	var cs []lib.Cost
	for _, id := range []string{overloadNow, overloadTruncate, overloadToCron} {
		c := lib.Fixed(1, nil)
		c.Overload = id
		cs = append(cs, c)
	}
	return lib.Costs(cs...)
}

func truncate(ts, d ref.Val) ref.Val {
	t, ok := ts.(types.Timestamp)
	dur, ok2 := d.(types.Duration)
	if !ok || !ok2 {
		return types.NewErr("time.truncate: expected (timestamp, duration), got (%s, %s)", ts.Type().TypeName(), d.Type().TypeName())
	}
	return types.Timestamp{Time: t.Truncate(dur.Duration)}
}

func toCron(ts ref.Val) ref.Val {
	t, ok := ts.(types.Timestamp)
	if !ok {
		return types.NewErr("time.toCron: expected timestamp, got %s", ts.Type().TypeName())
	}
	fields := []int{t.Minute(), t.Hour(), t.Day(), int(t.Month()), int(t.Weekday())}
	out := make([]byte, 0, 16)
	for i, f := range fields {
		if i > 0 {
			out = append(out, ' ')
		}
		out = strconv.AppendInt(out, int64(f), 10)
	}
	return types.String(out)
}
