package jmespath

import (
	"strconv"
	"strings"
	"time"
)

func (rt *runtime) timeFunctions() []function {
	return []function{
		fn("time_since", "string", "duration from the second time to the third (now when empty), in the layout of the first (RFC 3339 when empty)",
			rt.timeSince, argString, argString, argString),
		fn("time_now", "string", "current time in RFC 3339", rt.timeNow),
		fn("time_now_utc", "string", "current UTC time in RFC 3339", rt.timeNowUTC),
		fn("time_add", "string", "adds a duration to an RFC 3339 time", timeAdd, argString, argString),
		fn("time_parse", "string", "converts a time in the given layout (or epoch seconds) to RFC 3339", timeParse, argString, argString),
		fn("time_to_cron", "string", "converts an RFC 3339 time to a cron expression", timeToCron, argString),
		fn("time_utc", "string", "converts an RFC 3339 time to UTC", timeUTC, argString),
		fn("time_diff", "string", "duration from the first RFC 3339 time to the second", timeDiff, argString, argString),
		fn("time_before", "boolean", "reports whether the first RFC 3339 time is before the second", timeBefore, argString, argString),
		fn("time_after", "boolean", "reports whether the first RFC 3339 time is after the second", timeAfter, argString, argString),
		fn("time_between", "boolean", "reports whether the first RFC 3339 time is strictly between the second and third",
			timeBetween, argString, argString, argString),
		fn("time_truncate", "string", "rounds an RFC 3339 time down to a multiple of a duration", timeTruncate, argString, argString),
	}
}

// timeArg parses argument n as an RFC 3339 time.
func timeArg(fn string, args []any, n int) (time.Time, error) {
	s, err := stringArg(fn, args, n)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fnError(fn, err)
	}
	return t, nil
}

// timeArgs parses the first count arguments as RFC 3339 times.
func timeArgs(fn string, args []any, count int) ([]time.Time, error) {
	out := make([]time.Time, count)
	for n := range out {
		t, err := timeArg(fn, args, n)
		if err != nil {
			return nil, err
		}
		out[n] = t
	}
	return out, nil
}

func durationArg(fn string, args []any, n int) (time.Duration, error) {
	s, err := stringArg(fn, args, n)
	if err != nil {
		return 0, err
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fnError(fn, err)
	}
	return d, nil
}

func (rt *runtime) timeSince(args []any) (any, error) {
	s, err := stringArgs("time_since", args, 3)
	if err != nil {
		return nil, err
	}
	layout := s[0]
	if layout == "" {
		layout = time.RFC3339
	}
	start, err := time.Parse(layout, s[1])
	if err != nil {
		return nil, fnError("time_since", err)
	}
	end := rt.clock()
	if s[2] != "" {
		if end, err = time.Parse(layout, s[2]); err != nil {
			return nil, fnError("time_since", err)
		}
	}
	return end.Sub(start).String(), nil
}

func (rt *runtime) timeNow([]any) (any, error) {
	return rt.clock().Format(time.RFC3339), nil
}

func (rt *runtime) timeNowUTC([]any) (any, error) {
	return rt.clock().UTC().Format(time.RFC3339), nil
}

func timeAdd(args []any) (any, error) {
	t, err := timeArg("time_add", args, 0)
	if err != nil {
		return nil, err
	}
	d, err := durationArg("time_add", args, 1)
	if err != nil {
		return nil, err
	}
	return t.Add(d).Format(time.RFC3339), nil
}

// timeParse converts a time to RFC 3339; a layout that is a number means the
// time is given in epoch seconds.
func timeParse(args []any) (any, error) {
	s, err := stringArgs("time_parse", args, 2)
	if err != nil {
		return nil, err
	}
	if _, err := strconv.ParseInt(s[0], 10, 64); err == nil {
		epoch, err := strconv.ParseInt(s[1], 10, 64)
		if err != nil {
			return nil, fnError("time_parse", err)
		}
		return time.Unix(epoch, 0).UTC().Format(time.RFC3339), nil
	}
	t, err := time.Parse(s[0], s[1])
	if err != nil {
		return nil, fnError("time_parse", err)
	}
	return t.Format(time.RFC3339), nil
}

// timeToCron gives "minute hour day month weekday" in the time's own offset.
func timeToCron(args []any) (any, error) {
	t, err := timeArg("time_to_cron", args, 0)
	if err != nil {
		return nil, err
	}
	fields := []int{t.Minute(), t.Hour(), t.Day(), int(t.Month()), int(t.Weekday())}
	parts := make([]string, len(fields))
	for n, f := range fields {
		parts[n] = strconv.Itoa(f)
	}
	return strings.Join(parts, " "), nil
}

func timeUTC(args []any) (any, error) {
	t, err := timeArg("time_utc", args, 0)
	if err != nil {
		return nil, err
	}
	return t.UTC().Format(time.RFC3339), nil
}

func timeDiff(args []any) (any, error) {
	t, err := timeArgs("time_diff", args, 2)
	if err != nil {
		return nil, err
	}
	return t[1].Sub(t[0]).String(), nil
}

func timeBefore(args []any) (any, error) {
	t, err := timeArgs("time_before", args, 2)
	if err != nil {
		return nil, err
	}
	return t[0].Before(t[1]), nil
}

func timeAfter(args []any) (any, error) {
	t, err := timeArgs("time_after", args, 2)
	if err != nil {
		return nil, err
	}
	return t[0].After(t[1]), nil
}

func timeBetween(args []any) (any, error) {
	t, err := timeArgs("time_between", args, 3)
	if err != nil {
		return nil, err
	}
	return t[0].After(t[1]) && t[0].Before(t[2]), nil
}

func timeTruncate(args []any) (any, error) {
	t, err := timeArg("time_truncate", args, 0)
	if err != nil {
		return nil, err
	}
	d, err := durationArg("time_truncate", args, 1)
	if err != nil {
		return nil, err
	}
	return t.Truncate(d).Format(time.RFC3339), nil
}
