package cleanup

import (
	"slices"
	"time"

	"github.com/bylaw-dev/bylaw/engine"
)

// plan is when each cleanup policy runs next. It is used by the controller's loop alone.
type plan struct {
	entries map[string]*entry
}

type entry struct {
	policy *engine.Policy
	next   time.Time
	// last is when this replica last ran the policy; zero before its first run here.
	last time.Time
}

func newPlan() *plan { return &plan{entries: map[string]*entry{}} }

// update syncs the plan with the cleanup policies in force. A new or changed policy runs at the first scheduled
// time after its last run, which is now if that time has passed: a run missed while no replica led, or before the
// policy changed, happens once. lastRun returns the run recorded in the policy's status (or its creation), ok false
// when there is no record (a policy from a bundle): its first run is then the next scheduled time from now.
func (pl *plan) update(policies []*engine.Policy, now time.Time, lastRun func(*engine.Policy) (time.Time, bool)) {
	seen := map[string]bool{}
	for _, p := range policies {
		c := p.Cleanup()
		if c == nil {
			continue
		}
		key := p.Kind + "/" + p.Key()
		seen[key] = true
		e := pl.entries[key]
		if e != nil && e.policy == p {
			continue
		}
		if e == nil {
			e = &entry{}
			pl.entries[key] = e
		}
		e.policy = p
		from, ok := e.last, !e.last.IsZero()
		if !ok {
			from, ok = lastRun(p)
		}
		e.next = firstRun(c, from, ok, now)
	}
	for key := range pl.entries {
		if !seen[key] {
			delete(pl.entries, key)
		}
	}
}

// firstRun is when a policy last run at last (known: ok) runs next.
func firstRun(c *engine.Cleanup, last time.Time, ok bool, now time.Time) time.Time {
	if !ok {
		return c.Next(now)
	}
	if next := c.Next(last); next.After(now) {
		return next
	}
	return now
}

// due returns the policies whose time has come, in key order.
func (pl *plan) due(now time.Time) []*engine.Policy {
	var keys []string
	for key, e := range pl.entries {
		if !e.next.After(now) {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	out := make([]*engine.Policy, len(keys))
	for i, k := range keys {
		out[i] = pl.entries[k].policy
	}
	return out
}

// ran records a run of p started at start; its next run is the first scheduled time after start.
func (pl *plan) ran(p *engine.Policy, start time.Time) {
	if e := pl.entries[p.Kind+"/"+p.Key()]; e != nil {
		e.last, e.next = start, p.Cleanup().Next(start)
	}
}

// next returns the earliest next run, ok false when no policy is planned.
func (pl *plan) next() (time.Time, bool) {
	var first time.Time
	for _, e := range pl.entries {
		if first.IsZero() || e.next.Before(first) {
			first = e.next
		}
	}
	return first, !first.IsZero()
}
