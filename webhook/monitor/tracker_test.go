package monitor

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestTracker(t *testing.T) {
	start := time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC)
	at := func(s int) time.Time { return start.Add(time.Duration(s) * time.Second) }
	stamped := func(s int) Probe { return Probe{Stamped: true, CalledAt: at(s)} }
	missed := Probe{}
	failed := Probe{Err: errors.New("connection refused")}
	type step struct {
		second int
		probe  Probe
		leader bool
		// repairErr is the outcome of the repair when the decision asks for one.
		repairErr error
		status    metav1.ConditionStatus
		reason    string
		changed   bool
		repair    bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"fresh stamps: healthy, never repaired", []step{
			{second: 0, probe: stamped(0), leader: true, status: "True", reason: ReasonCalled, changed: true},
			{second: 10, probe: stamped(10), leader: true, status: "True", reason: ReasonCalled},
			{second: 20, probe: stamped(20), leader: true, status: "True", reason: ReasonCalled},
		}},
		{"no stamp yet, within the bound: still probing", []step{
			{second: 0, probe: missed, leader: true, status: "Unknown", reason: ReasonProbing},
			{second: 30, probe: failed, leader: true, status: "Unknown", reason: ReasonProbing},
		}},
		{"never called: unhealthy after the bound, repaired once", []step{
			{second: 0, probe: missed, leader: true, status: "Unknown", reason: ReasonProbing},
			{second: 61, probe: missed, leader: true, status: "False", reason: ReasonNotCalled, changed: true, repair: true},
			{second: 71, probe: missed, leader: true, status: "False", reason: ReasonNotCalled},
			{second: 81, probe: failed, leader: true, status: "False", reason: ReasonNotCalled},
		}},
		{"stale: healthy until the bound passes, then one repair; recovery", []step{
			{second: 0, probe: stamped(0), leader: true, status: "True", reason: ReasonCalled, changed: true},
			{second: 30, probe: missed, leader: true, status: "True", reason: ReasonCalled},
			{second: 60, probe: missed, leader: true, status: "True", reason: ReasonCalled},
			{second: 61, probe: missed, leader: true, status: "False", reason: ReasonNotCalled, changed: true, repair: true},
			{second: 71, probe: missed, leader: true, status: "False", reason: ReasonNotCalled},
			{second: 81, probe: stamped(81), leader: true, status: "True", reason: ReasonCalled, changed: true},
			// A second outage is repaired again.
			{second: 150, probe: missed, leader: true, status: "False", reason: ReasonNotCalled, changed: true, repair: true},
		}},
		{"a failed repair is tried again", []step{
			{second: 0, probe: stamped(0), leader: true, status: "True", reason: ReasonCalled, changed: true},
			{second: 61, probe: missed, leader: true, repairErr: errors.New("conflict"), status: "False",
				reason: ReasonNotCalled, changed: true, repair: true},
			{second: 71, probe: missed, leader: true, status: "False", reason: ReasonNotCalled, repair: true},
			{second: 81, probe: missed, leader: true, status: "False", reason: ReasonNotCalled},
		}},
		{"a replica that does not lead only reports, and repairs once it leads", []step{
			{second: 0, probe: stamped(0), status: "True", reason: ReasonCalled, changed: true},
			{second: 61, probe: missed, status: "False", reason: ReasonNotCalled, changed: true},
			{second: 71, probe: missed, status: "False", reason: ReasonNotCalled},
			{second: 81, probe: missed, leader: true, status: "False", reason: ReasonNotCalled, repair: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := NewTracker(time.Minute, start)
			for _, s := range tt.steps {
				d := tr.Observe(at(s.second), s.probe, s.leader)
				assert.Equal(t, s.status, d.Condition.Status, "second %d: %s", s.second, d.Condition.Message)
				assert.Equal(t, s.reason, d.Condition.Reason, "second %d", s.second)
				assert.Equal(t, ConditionType, d.Condition.Type)
				assert.Equal(t, s.changed, d.Changed, "second %d: changed", s.second)
				assert.Equal(t, s.repair, d.Repair, "second %d: repair", s.second)
				if s.changed {
					assert.Equal(t, at(s.second), d.Condition.LastTransitionTime.Time, "second %d", s.second)
				}
				if d.Repair {
					tr.Repaired(s.repairErr)
				}
			}
		})
	}
}

func TestTrackerMessages(t *testing.T) {
	start := time.Date(2026, 12, 7, 17, 0, 0, 0, time.UTC)
	tr := NewTracker(time.Minute, start)
	d := tr.Observe(start, Probe{Stamped: true, CalledAt: start}, true)
	assert.Equal(t, "the API server called the monitor webhook at 2026-12-07T17:00:00Z", d.Condition.Message)
	assert.Equal(t, start, d.LastCall)
	d = tr.Observe(start.Add(2*time.Minute), Probe{Err: errors.New("connection refused")}, true)
	assert.Equal(t, "no call of the monitor webhook for more than 1m0s (last at 2026-12-07T17:00:00Z): the monitor "+
		"Lease could not be updated: connection refused", d.Condition.Message)
	assert.Equal(t, start, d.LastCall, "the last call is kept")
}
