package conditions

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDurationGreaterThan(t *testing.T) {
	runRows(t, DurationGreaterThan, []row{
		{name: "hours", key: "2h", value: "1h", want: true},
		{name: "hour and equal seconds", key: "1h", value: 3600, want: false},
		{name: "hour and fewer seconds", key: "1h", value: 3599, want: true},
		{name: "seconds and minutes", key: 3600, value: "30m", want: true},
		{name: "int64 and float seconds", key: int64(7200), value: 3600.0, want: true},
		{name: "float seconds are truncated", key: 1.9, value: 1, want: false},
		{name: "bare zero is a duration here", key: "0", value: "-1s", want: true},
		{name: "text key", key: "abc", value: "1h", want: false},
		{name: "text value", key: 3600, value: "abc", want: false},
		{name: "bool key", key: true, value: "1h", want: false},
	})
}

func TestDurationGreaterThanOrEquals(t *testing.T) {
	runRows(t, DurationGreaterThanOrEquals, []row{
		{name: "equal durations", key: "1h", value: "60m", want: true},
		{name: "seconds and minute", key: 60, value: "1m", want: true},
		{name: "shorter", key: "59s", value: "1m", want: false},
		{name: "fractional hours", key: "1.5h", value: "90m", want: true},
		{name: "list value", key: "1h", value: list("1h"), want: false},
		{name: "nil key", key: nil, value: "1h", want: false},
	})
}

func TestDurationLessThan(t *testing.T) {
	runRows(t, DurationLessThan, []row{
		{name: "minutes and hour", key: "30m", value: "1h", want: true},
		{name: "equal", key: "1h", value: "1h", want: false},
		{name: "seconds and minute", key: 10, value: "1m", want: true},
		{name: "minute and truncated seconds", key: "1m", value: 60.5, want: false},
		{name: "microseconds", key: "1us", value: "1ms", want: true},
		{name: "micro sign", key: "1µs", value: "1ms", want: true},
		{name: "invalid value", key: "1h", value: "bad", want: false},
	})
}

func TestDurationLessThanOrEquals(t *testing.T) {
	runRows(t, DurationLessThanOrEquals, []row{
		{name: "equal", key: "1h", value: "60m", want: true},
		{name: "longer than seconds", key: "2h", value: 3600, want: false},
		{name: "zero and zero", key: 0, value: "0s", want: true},
		{name: "negative seconds and bare zero", key: -1, value: "0", want: true},
		{name: "days are no unit", key: "1d", value: "48h", want: false},
		{name: "empty key", key: "", value: "1h", want: false},
	})
}

func TestMayBeDurationIsNecessary(t *testing.T) {
	samples := []string{
		"0", "-0", "+0", "1h", "1h30m", ".5s", "1.s", "1µs", "1μs", "100ns", "-1.5h", "1", "1Gi", "CREATE", "", "h",
		"1x", "1hh", "0s", "00", "1e3s", "kube-system", "+", "-", "1m", "1.5.2", "3600",
	}
	for _, s := range samples {
		_, err := time.ParseDuration(s)
		if err == nil {
			assert.True(t, mayBeDuration(s), "%q parses but was filtered out", s)
		}
		d, ok := parseDuration(s)
		want, werr := time.ParseDuration(s)
		assert.Equal(t, werr == nil, ok, "%q", s)
		assert.Equal(t, want, d, "%q", s)
	}
}
