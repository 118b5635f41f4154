package engine_test

import (
	"testing"
	"time"

	"github.com/bylaw-dev/bylaw/engine"
)

// A schedule in a policy is untrusted input: parsing never panics, and a parsed schedule's next run is after the
// time asked (or zero, for a schedule that never fires).
func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{"*/1 * * * *", "0 3 * * MON-FRI", "@hourly", "@every 90s", "TZ=UTC 0 0 1 1 *",
		"59 23 31 12 *", "0 0 30 2 *", "", "61 * * * *", "@every -1s", "CRON_TZ=Nowhere/City * * * * *"} {
		f.Add(s)
	}
	from := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		sched, err := engine.ParseSchedule(s)
		if err != nil {
			return
		}
		if next := sched.Next(from); !next.IsZero() && !next.After(from) {
			t.Fatalf("schedule %q: next run %s is not after %s", s, next, from)
		}
	})
}
