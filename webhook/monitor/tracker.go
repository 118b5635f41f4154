package monitor

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ConditionType is the type of the monitor's condition: True while the API server calls the webhook.
const ConditionType = "WebhookCalled"

// Reasons of the condition and of the events.
const (
	// ReasonProbing: no call seen yet, and the bound has not passed since the monitor started.
	ReasonProbing = "Probing"
	// ReasonCalled: the last probe, within the bound, was stamped by the webhook.
	ReasonCalled = "WebhookCalled"
	// ReasonNotCalled: no probe was stamped within the bound.
	ReasonNotCalled = "WebhookNotCalled"
	// ReasonRepaired: the leader rewrote the webhook configurations after ReasonNotCalled.
	ReasonRepaired = "WebhookRepaired"
)

// Probe is the outcome of one Lease update.
type Probe struct {
	// Stamped is true when the updated Lease came back with the webhook's stamp.
	Stamped bool
	// CalledAt is the stamp's time (the answering replica's clock); zero when not stamped.
	CalledAt time.Time
	// Err is why the Lease could not be updated, if so.
	Err error
}

// Decision is what the tracker concludes after a probe.
type Decision struct {
	// Condition is the monitor's condition (kstatus style).
	Condition metav1.Condition
	// LastCall is the time of the last stamped call seen; zero before the first.
	LastCall time.Time
	// Changed is true when the condition's status changed with this probe.
	Changed bool
	// Repair is true when the webhook configurations should be repaired now: once per outage, by the leader.
	Repair bool
}

// Tracker decides, probe after probe, whether the API server calls the webhook. It is not safe for concurrent use.
type Tracker struct {
	// Timeout is the bound: no stamped call for this long means the webhook is not called.
	Timeout  time.Duration
	started  time.Time
	lastCall time.Time
	cond     metav1.Condition
	repaired bool
}

// NewTracker returns a tracker that starts counting at now.
func NewTracker(timeout time.Duration, now time.Time) *Tracker {
	return &Tracker{Timeout: timeout, started: now, cond: metav1.Condition{Type: ConditionType,
		Status: metav1.ConditionUnknown, Reason: ReasonProbing, Message: "no probe answered yet",
		LastTransitionTime: metav1.NewTime(now)}}
}

// Observe takes the probe made at now; leader says whether this replica may repair.
func (t *Tracker) Observe(now time.Time, p Probe, leader bool) Decision {
	status, reason, msg := t.judge(now, p)
	d := Decision{Changed: status != t.cond.Status}
	if d.Changed {
		t.cond.LastTransitionTime = metav1.NewTime(now)
	}
	t.cond.Status, t.cond.Reason, t.cond.Message = status, reason, msg
	if status == metav1.ConditionTrue {
		t.repaired = false
	}
	d.Repair = status == metav1.ConditionFalse && leader && !t.repaired
	d.Condition, d.LastCall = t.cond, t.lastCall
	return d
}

func (t *Tracker) judge(now time.Time, p Probe) (metav1.ConditionStatus, string, string) {
	if p.Stamped {
		t.lastCall = p.CalledAt
		if t.lastCall.IsZero() {
			t.lastCall = now
		}
		return metav1.ConditionTrue, ReasonCalled, "the API server called the monitor webhook at " +
			t.lastCall.UTC().Format(time.RFC3339)
	}
	since := t.started
	if !t.lastCall.IsZero() && t.lastCall.After(since) {
		since = t.lastCall
	}
	why := "the monitor Lease was updated without the webhook's stamp"
	if p.Err != nil {
		why = "the monitor Lease could not be updated: " + p.Err.Error()
	}
	if now.Sub(since) <= t.Timeout {
		return t.cond.Status, t.cond.Reason, t.cond.Message
	}
	last := "never"
	if !t.lastCall.IsZero() {
		last = "last at " + t.lastCall.UTC().Format(time.RFC3339)
	}
	return metav1.ConditionFalse, ReasonNotCalled, fmt.Sprintf("no call of the monitor webhook for more than %s (%s): %s",
		t.Timeout, last, why)
}

// Repaired records the outcome of a repair the last Decision asked for: a failed one is tried again at the next probe.
func (t *Tracker) Repaired(err error) {
	t.repaired = err == nil
}
