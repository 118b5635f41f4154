package server

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	ctrl "sigs.k8s.io/controller-runtime"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/bylaw-dev/bylaw/controllers/cleanup"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
)

// CleanupOptions are the cleanup controller's settings (DeletingPolicy, NamespacedDeletingPolicy).
type CleanupOptions struct {
	// Cleanup runs the cleanup controller on the leader.
	Cleanup bool
	// CleanupRate is the number of deletions per second, over every policy.
	CleanupRate float64
}

func defaultCleanupOptions() CleanupOptions {
	return CleanupOptions{Cleanup: true, CleanupRate: cleanup.DefaultRate}
}

func (o *CleanupOptions) addCleanupFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.Cleanup, "cleanup", o.Cleanup, "run DeletingPolicies and NamespacedDeletingPolicies on their "+
		"schedules and delete what they select (on the leader)")
	fs.Float64Var(&o.CleanupRate, "cleanup-rate", o.CleanupRate, "deletions per second of the cleanup controller, "+
		"over every policy (its API requests are bounded at twice this rate)")
}

func (o *CleanupOptions) validateCleanup() error {
	if o.CleanupRate <= 0 {
		return errors.New("--cleanup-rate must be positive")
	}
	return nil
}

// newCleanup sets up the cleanup controller on the leader. Its API client has its own rate limit, so that a large
// cleanup does not starve the rest of serve.
func newCleanup(mgr ctrl.Manager, cfg *rest.Config, o Options, eng *engine.Engine, store *policy.Store,
	loader engine.Loader) error {
	if !o.Cleanup {
		return nil
	}
	cleanCfg := rest.CopyConfig(cfg)
	cleanCfg.QPS, cleanCfg.Burst = float32(2*o.CleanupRate), int(4*o.CleanupRate)+10
	dyn, err := dynamic.NewForConfig(cleanCfg)
	if err != nil {
		return fmt.Errorf("cleanup client: %w", err)
	}
	kube, err := kubernetes.NewForConfig(cleanCfg)
	if err != nil {
		return fmt.Errorf("cleanup access review client: %w", err)
	}
	metrics, err := cleanup.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return fmt.Errorf("registering cleanup metrics: %w", err)
	}
	c := &cleanup.Controller{Store: store, Engine: eng, Loader: loader, Dynamic: dyn, Mapper: mgr.GetRESTMapper(),
		Client: mgr.GetClient(), Access: kube.AuthorizationV1().SelfSubjectAccessReviews(),
		Events: mgr.GetEventRecorder("bylaw-cleanup"), Metrics: metrics,
		Options: cleanup.Options{Namespace: o.Namespace, Rate: o.CleanupRate}}
	if err := mgr.Add(c); err != nil {
		return fmt.Errorf("adding the cleanup controller: %w", err)
	}
	return nil
}
