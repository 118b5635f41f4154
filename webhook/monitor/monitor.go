package monitor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/go-logr/logr"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// LeasePrefix starts the name of every monitor Lease; the replica's name follows.
const LeasePrefix = "bylaw-webhook-monitor-"

// Monitor probes the admission path every Interval from one replica and acts on what its Tracker decides. It runs
// on every replica (a controller-runtime Runnable that needs no leader election).
type Monitor struct {
	// Client reads and writes the monitor Lease; uncached, so that the update's answer is the API server's.
	Client client.Client
	// Namespace and Replica place and name the Lease (LeasePrefix + Replica).
	Namespace, Replica string
	// Owner, when set, owns the Lease (the replica's Pod), so that it is deleted with the Pod.
	Owner *metav1.OwnerReference
	// Interval is the time between probes; Timeout the bound of the Tracker.
	Interval, Timeout time.Duration
	// IsLeader says whether this replica leads: only the leader repairs and records events.
	IsLeader func() bool
	// Repair rewrites the webhook configurations and the CA bundle.
	Repair func(ctx context.Context) error
	// Events records events on the Lease; may be nil.
	Events events.EventRecorder
	// Metrics may be nil.
	Metrics *Metrics
	// Status receives every decision; may be nil.
	Status *Status

	lease *coordinationv1.Lease
}

// LeaseName returns the name of a replica's monitor Lease.
func LeaseName(replica string) string { return LeasePrefix + replica }

// NeedLeaderElection is false: every replica proves that it is called.
func (m *Monitor) NeedLeaderElection() bool { return false }

// Start probes until ctx is done.
func (m *Monitor) Start(ctx context.Context) error {
	log := logr.FromContextOrDiscard(ctx).WithName("webhook-monitor").WithValues("lease", LeaseName(m.Replica))
	ctx = logr.NewContext(ctx, log)
	tracker := NewTracker(m.Timeout, time.Now())
	ticker := time.NewTicker(m.Interval)
	defer ticker.Stop()
	for {
		m.step(ctx, tracker)
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// step makes one probe and acts on the decision.
func (m *Monitor) step(ctx context.Context, tracker *Tracker) {
	log := logr.FromContextOrDiscard(ctx)
	p := m.probe(ctx)
	leader := m.IsLeader != nil && m.IsLeader()
	d := tracker.Observe(time.Now(), p, leader)
	if !d.LastCall.IsZero() && m.Metrics != nil {
		m.Metrics.lastRequest.Set(float64(d.LastCall.UnixNano()) / 1e9)
	}
	switch {
	case d.Changed && d.Condition.Status == metav1.ConditionFalse:
		log.Error(errors.New(d.Condition.Message), "the API server does not call the webhook", "leader", leader)
		m.event(corev1.EventTypeWarning, ReasonNotCalled, d.Condition.Message, leader)
	case d.Changed && d.Condition.Status == metav1.ConditionTrue:
		log.Info("the API server calls the webhook", "message", d.Condition.Message)
		m.event(corev1.EventTypeNormal, ReasonCalled, d.Condition.Message, leader)
	case p.Err != nil:
		log.V(1).Info("probe failed", "error", p.Err.Error())
	}
	if d.Repair {
		err := m.Repair(ctx)
		tracker.Repaired(err)
		if err != nil {
			log.Error(err, "repairing the webhook configurations; will retry at the next probe")
		} else {
			log.Info("repaired the webhook configurations")
			if m.Metrics != nil {
				m.Metrics.repairs.Inc()
			}
			m.event(corev1.EventTypeNormal, ReasonRepaired, "rewrote the webhook configurations with the CA bundle "+
				"in force because the API server had stopped calling the webhook", leader)
		}
	}
	if m.Status != nil {
		m.Status.set(m.Replica, d)
	}
}

func (m *Monitor) event(kind, reason, note string, leader bool) {
	if m.Events == nil || !leader || m.lease == nil {
		return
	}
	m.Events.Eventf(m.lease, nil, kind, reason, "Probe", "%s", note)
}

// probe updates the Lease, without a stamp, and reads the stamp the webhook put into it.
func (m *Monitor) probe(ctx context.Context) Probe {
	lease, err := m.current(ctx)
	if err != nil {
		return Probe{Err: err}
	}
	now := metav1.NewMicroTime(time.Now())
	seconds := int32(m.Timeout / time.Second)
	lease.Spec.HolderIdentity, lease.Spec.RenewTime, lease.Spec.LeaseDurationSeconds = &m.Replica, &now, &seconds
	delete(lease.Annotations, AnnotationCalledAt)
	delete(lease.Annotations, AnnotationAnsweredBy)
	if err := m.Client.Update(ctx, lease); err != nil {
		m.lease = nil // read it again next time
		return Probe{Err: fmt.Errorf("updating Lease %s/%s: %w", m.Namespace, lease.Name, err)}
	}
	m.lease = lease
	raw, ok := lease.Annotations[AnnotationCalledAt]
	if !ok {
		return Probe{}
	}
	at, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		at = now.Time
	}
	return Probe{Stamped: true, CalledAt: at}
}

// current returns the Lease as last written, reading or creating it when unknown.
func (m *Monitor) current(ctx context.Context) (*coordinationv1.Lease, error) {
	if m.lease != nil {
		return m.lease, nil
	}
	key := client.ObjectKey{Namespace: m.Namespace, Name: LeaseName(m.Replica)}
	lease := &coordinationv1.Lease{}
	err := m.Client.Get(ctx, key, lease)
	if apierrors.IsNotFound(err) {
		lease = &coordinationv1.Lease{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name,
			Labels: map[string]string{LabelMonitor: LabelValue}}}
		if m.Owner != nil {
			lease.OwnerReferences = []metav1.OwnerReference{*m.Owner}
		}
		err = m.Client.Create(ctx, lease)
	}
	if err != nil {
		return nil, fmt.Errorf("reading Lease %s: %w", key, err)
	}
	if lease.Labels[LabelMonitor] != LabelValue {
		if lease.Labels == nil {
			lease.Labels = map[string]string{}
		}
		lease.Labels[LabelMonitor] = LabelValue // the next update is sent to the webhook again
	}
	return lease, nil
}

// Status holds the last decision of a monitor for /status; safe for concurrent use.
type Status struct {
	mu sync.Mutex
	v  *StatusView
}

// StatusView is what /status shows of the monitor.
type StatusView struct {
	Replica   string           `json:"replica"`
	Lease     string           `json:"lease"`
	LastCall  *metav1.Time     `json:"lastCall,omitempty"`
	Condition metav1.Condition `json:"condition"`
}

func (s *Status) set(replica string, d Decision) {
	v := &StatusView{Replica: replica, Lease: LeaseName(replica), Condition: d.Condition}
	if !d.LastCall.IsZero() {
		t := metav1.NewTime(d.LastCall)
		v.LastCall = &t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.v = v
}

// Get returns the last decision, or nil before the first probe.
func (s *Status) Get() *StatusView {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v
}
