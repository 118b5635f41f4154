package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook/certs"
	"github.com/bylaw-dev/bylaw/webhook/monitor"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// MonitorOptions are the settings of the webhook monitor and of the uninstall, a part of Options.
type MonitorOptions struct {
	// MonitorInterval is the time between two probes of the admission path; 0 turns the monitor off.
	MonitorInterval time.Duration
	// MonitorTimeout is how long without a call of the monitor webhook means that the API server does not call Bylaw.
	MonitorTimeout time.Duration
	// ReplicaName names this replica (its monitor Lease): $POD_NAME, else the host name.
	ReplicaName string
	// ReplicaPodUID is the UID of this replica's Pod ($POD_UID), which then owns the monitor Lease.
	ReplicaPodUID string
	// UninstallWebhooks makes serve delete Bylaw's webhook configurations and monitor Leases, then exit.
	UninstallWebhooks bool
}

// defaultMonitorOptions returns the defaults of the monitor flags.
func defaultMonitorOptions() MonitorOptions {
	name := os.Getenv("POD_NAME")
	if name == "" {
		name, _ = os.Hostname()
	}
	return MonitorOptions{MonitorInterval: 10 * time.Second, MonitorTimeout: time.Minute,
		ReplicaName: strings.ToLower(name), ReplicaPodUID: os.Getenv("POD_UID")}
}

// addMonitorFlags binds the monitor options to flags of fs.
func (o *MonitorOptions) addMonitorFlags(fs *pflag.FlagSet) {
	fs.DurationVar(&o.MonitorInterval, "webhook-monitor-interval", o.MonitorInterval, "how often each replica "+
		"updates its monitor Lease through the API server to prove that the API server calls the webhook (0: no monitor)")
	fs.DurationVar(&o.MonitorTimeout, "webhook-monitor-timeout", o.MonitorTimeout, "time without a call of the "+
		"monitor webhook after which the webhook is reported as not called and the leader repairs the webhook configurations")
	fs.StringVar(&o.ReplicaName, "replica-name", o.ReplicaName, "name of this replica, in its monitor Lease "+
		"bylaw-webhook-monitor-<name> (default: $POD_NAME, else the host name)")
	fs.StringVar(&o.ReplicaPodUID, "replica-pod-uid", o.ReplicaPodUID, "UID of this replica's Pod, made the owner "+
		"of its monitor Lease so that the Lease is deleted with the Pod (default: $POD_UID)")
	fs.BoolVar(&o.UninstallWebhooks, "uninstall-webhooks", o.UninstallWebhooks, "delete Bylaw's webhook "+
		"configurations and monitor Leases, then exit without serving (for an uninstall; a normal stop leaves them)")
}

// validateMonitor checks the monitor options and names the flag at fault.
func (o *MonitorOptions) validateMonitor() error {
	if o.MonitorInterval == 0 {
		return nil
	}
	if o.MonitorInterval < 0 || o.MonitorTimeout < 2*o.MonitorInterval {
		return fmt.Errorf("--webhook-monitor-timeout (%s) must be at least twice --webhook-monitor-interval (%s)",
			o.MonitorTimeout, o.MonitorInterval)
	}
	if msgs := validation.IsDNS1123Subdomain(monitor.LeaseName(o.ReplicaName)); o.ReplicaName == "" || len(msgs) > 0 {
		return fmt.Errorf("--replica-name %q: not usable in a Lease name: %s", o.ReplicaName, strings.Join(msgs, "; "))
	}
	return nil
}

// registrationMonitor is the monitor webhook's part of the registration options; nil when the monitor is off.
func (o *Options) registrationMonitor() *registration.Monitor {
	if o.MonitorInterval == 0 {
		return nil
	}
	return &registration.Monitor{Namespace: o.Namespace, LabelKey: monitor.LabelMonitor, LabelValue: monitor.LabelValue}
}

// withMonitor routes the monitor webhook's path to its handler, everything else to next.
func withMonitor(next http.Handler, o Options) http.Handler {
	if o.MonitorInterval == 0 {
		return next
	}
	mux := http.NewServeMux()
	mux.Handle("/", next)
	mux.Handle(registration.MonitorPath, &monitor.Handler{Namespace: o.Namespace, Replica: o.ReplicaName})
	return mux
}

// monitorDeps are what the monitor repairs with.
type monitorDeps struct {
	keeper *certs.Keeper
	syncer *registration.Syncer
	store  *policy.Store
	status *monitor.Status
}

// newMonitor returns the monitor of this replica, or nil when it is off. Its repair reloads the certificate Secret
// and rewrites every webhook configuration (registration.Syncer.Repair) with an uncached client.
func newMonitor(mgr ctrl.Manager, cfg *rest.Config, o Options, d monitorDeps) (*monitor.Monitor, error) {
	if o.MonitorInterval == 0 {
		return nil, nil
	}
	direct, err := client.New(cfg, client.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return nil, fmt.Errorf("API client: %w", err)
	}
	metrics, err := monitor.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return nil, fmt.Errorf("registering metrics: %w", err)
	}
	elected := mgr.Elected()
	m := &monitor.Monitor{Client: direct, Namespace: o.Namespace, Replica: o.ReplicaName,
		Interval: o.MonitorInterval, Timeout: o.MonitorTimeout, IsLeader: func() bool { return isClosed(elected) },
		Events: mgr.GetEventRecorder("bylaw-webhook-monitor"), Metrics: metrics, Status: d.status,
		Repair: func(ctx context.Context) error {
			if _, err := d.keeper.Sync(ctx); err != nil {
				return fmt.Errorf("reloading the webhook certificate: %w", err)
			}
			ca := d.keeper.CABundle()
			if !d.store.Ready() || ca == nil {
				return fmt.Errorf("no policy set or CA bundle loaded yet")
			}
			return d.syncer.Repair(ctx, direct, d.store.Snapshot().Policies, ca, time.Now().UTC().Format(time.RFC3339))
		}}
	if o.ReplicaPodUID != "" {
		m.Owner = &metav1.OwnerReference{APIVersion: "v1", Kind: "Pod", Name: o.ReplicaName, UID: types.UID(o.ReplicaPodUID)}
	}
	return m, nil
}
