// Package time is Kyverno's `time` CEL library: time.now() is the current time as a timestamp (so
// `time.now() - duration('24h')` works); time.truncate(timestamp, duration) rounds a timestamp down to a multiple of
// the duration since the zero time; time.toCron(timestamp) is the cron schedule "minute hour day month weekday"
// of that instant, in the timestamp's time zone (UTC). Each costs 1.
package time
