package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-logr/logr"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"

	orv1alpha1 "github.com/bylaw-dev/bylaw/api/openreports/v1alpha1"
	policiesv1 "github.com/bylaw-dev/bylaw/api/policies/v1"
	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	wgpolicyv1alpha2 "github.com/bylaw-dev/bylaw/api/wgpolicyk8s/v1alpha2"
	policyctl "github.com/bylaw-dev/bylaw/controllers/policy"
	"github.com/bylaw-dev/bylaw/engine"
	"github.com/bylaw-dev/bylaw/policy"
	"github.com/bylaw-dev/bylaw/webhook"
	"github.com/bylaw-dev/bylaw/webhook/certs"
	"github.com/bylaw-dev/bylaw/webhook/monitor"
	"github.com/bylaw-dev/bylaw/webhook/registration"
)

// Run runs `bylaw serve` until ctx is done, then shuts down gracefully.
func Run(ctx context.Context, o Options, log logr.Logger) error {
	if err := o.Validate(); err != nil {
		return err
	}
	cfg, err := restConfig(o.Kubeconfig)
	if err != nil {
		return err
	}
	if o.UninstallWebhooks {
		return uninstallWebhooks(logr.NewContext(ctx, log), cfg, o)
	}
	store := policy.NewStore()
	status := &monitor.Status{}
	mgr, err := newManager(cfg, o, store, status)
	if err != nil {
		return err
	}
	if err := wire(mgr, cfg, o, store, status, log); err != nil {
		return err
	}
	log.Info("starting", "namespace", o.Namespace, "webhookPort", o.WebhookPort, "leaderElection", o.LeaderElect,
		"exceptionNamespaces", o.exceptionNamespaces())
	return mgr.Start(logr.NewContext(ctx, log))
}

func restConfig(kubeconfig string) (*rest.Config, error) {
	if kubeconfig != "" {
		cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
		if err != nil {
			return nil, fmt.Errorf("--kubeconfig %s: %w", kubeconfig, err)
		}
		// As ctrl.GetConfig does for in-cluster and $KUBECONFIG: no client-side rate limit (client-go's default is
		// 5/s), the API server's priority and fairness limits instead. A limit here throttled apiCall context
		// entries at admission to 5/s and denied requests waiting for it (issue 13's load run).
		if cfg.QPS == 0 {
			cfg.QPS = -1
		}
		return cfg, nil
	}
	cfg, err := ctrl.GetConfig()
	if err != nil {
		return nil, fmt.Errorf("no cluster configuration (in-cluster, $KUBECONFIG or --kubeconfig): %w", err)
	}
	return cfg, nil
}

// NewScheme returns a scheme with the Kubernetes built-in types and Bylaw's.
func NewScheme() (*runtime.Scheme, error) {
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		return nil, err
	}
	if err := v1alpha1.AddToScheme(s); err != nil {
		return nil, err
	}
	if err := wgpolicyv1alpha2.AddToScheme(s); err != nil {
		return nil, err
	}
	if err := policiesv1.AddToScheme(s); err != nil {
		return nil, err
	}
	if err := orv1alpha1.AddToScheme(s); err != nil {
		return nil, err
	}
	return s, nil
}

func newManager(cfg *rest.Config, o Options, store *policy.Store, status *monitor.Status) (ctrl.Manager, error) {
	scheme, err := NewScheme()
	if err != nil {
		return nil, fmt.Errorf("building the scheme: %w", err)
	}
	metrics, err := metricsServing(&o, store, status)
	if err != nil {
		return nil, err
	}
	shutdown := o.ShutdownTimeout
	mgr, err := ctrl.NewManager(cfg, ctrl.Options{
		Scheme:                        scheme,
		Metrics:                       metrics,
		HealthProbeBindAddress:        o.HealthProbeBindAddress,
		LeaderElection:                o.LeaderElect,
		LeaderElectionID:              o.LeaderElectionID,
		LeaderElectionNamespace:       o.Namespace,
		LeaderElectionReleaseOnCancel: true,
		GracefulShutdownTimeout:       &shutdown,
		Cache: cache.Options{ByObject: map[client.Object]cache.ByObject{
			// Only Bylaw's own Secrets are read (certificate, GitSource credentials and keys): never cache the
			// cluster's secrets. GitSources are served in Bylaw's namespace only, beside their Secrets.
			&corev1.Secret{}:            {Namespaces: map[string]cache.Config{o.Namespace: {}}},
			&v1alpha1.GitSource{}:       {Namespaces: map[string]cache.Config{o.Namespace: {}}},
			&v1alpha1.GenerateRequest{}: {Namespaces: map[string]cache.Config{o.Namespace: {}}},
			&v1alpha1.ReportSink{}:      {Namespaces: map[string]cache.Config{o.Namespace: {}}},
			&v1alpha1.AuditResult{}:     {Namespaces: map[string]cache.Config{o.Namespace: {}}},
		}},
	})
	if err != nil {
		return nil, fmt.Errorf("creating the manager: %w", err)
	}
	return mgr, nil
}

// wire adds every component of serve to mgr.
func wire(mgr ctrl.Manager, cfg *rest.Config, o Options, store *policy.Store, status *monitor.Status,
	log logr.Logger) error {
	eng := engine.New(engine.WithHTTPHosts(o.CELHTTPHosts...))
	elected := mgr.Elected()
	reconciler := &policyctl.Reconciler{
		Client: mgr.GetClient(), Loader: policy.NewLoader(eng), Store: store,
		Events: mgr.GetEventRecorder("bylaw"), IsLeader: func() bool { return isClosed(elected) },
		ExceptionNamespaces: o.exceptionNamespaces(),
	}
	if err := reconciler.SetupWithManager(mgr); err != nil {
		return err
	}
	keeper, err := newKeeper(mgr, cfg, o)
	if err != nil {
		return err
	}
	handler, err := newHandler(mgr, cfg, o, eng, store, log)
	if err != nil {
		return err
	}
	if handler.Generate, err = newGenerate(mgr, cfg, o, eng, store); err != nil {
		return err
	}
	if err := newCleanup(mgr, cfg, o, eng, store, handler.Loader); err != nil {
		return err
	}
	if err := addReporting(mgr, cfg, o, eng, store, handler); err != nil {
		return err
	}
	syncer, err := newSyncer(mgr, o)
	if err != nil {
		return err
	}
	storeMetrics, err := newStoreMetrics(store, ctrlmetrics.Registry)
	if err != nil {
		return fmt.Errorf("registering metrics: %w", err)
	}
	mux, err := newGitSources(mgr, o, eng, store, handler, log)
	if err != nil {
		return err
	}
	tlsConfig, err := webhookTLS(o, keeper, mgr.GetClient())
	if err != nil {
		return err
	}
	server := newHTTPSServer(o.WebhookHost, o.WebhookPort, withMonitor(mux, o), tlsConfig, o.ShutdownTimeout)
	reg := &registrar{store: store, keeper: keeper, syncer: syncer, client: mgr.GetClient(), resync: o.ResyncInterval,
		informers: mgr.GetCache()}
	runnables := []manager.Runnable{keeper, server, storeMetrics, reg}
	mon, err := newMonitor(mgr, cfg, o, monitorDeps{keeper: keeper, syncer: syncer, store: store, status: status})
	if err != nil {
		return err
	}
	if mon != nil {
		runnables = append(runnables, mon)
	}
	for _, r := range runnables {
		if err := mgr.Add(r); err != nil {
			return fmt.Errorf("adding a component: %w", err)
		}
	}
	return addChecks(mgr, store, keeper)
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// newKeeper reads and writes the certificate Secret without a cache, so that replicas racing to create or renew it
// see each other's writes at once.
func newKeeper(mgr ctrl.Manager, cfg *rest.Config, o Options) (*certs.Keeper, error) {
	direct, err := client.New(cfg, client.Options{Scheme: mgr.GetScheme(), Mapper: mgr.GetRESTMapper()})
	if err != nil {
		return nil, fmt.Errorf("API client: %w", err)
	}
	names, ips := o.servingNames()
	keeper, err := certs.NewKeeper(direct, certs.Options{
		Namespace: o.Namespace, SecretName: o.CertSecret, DNSNames: names, IPAddresses: ips,
		CAValidity: o.CAValidity, CertValidity: o.CertValidity,
	})
	if err != nil {
		return nil, fmt.Errorf("webhook certificates: %w", err)
	}
	return keeper, nil
}

func newHandler(mgr ctrl.Manager, cfg *rest.Config, o Options, eng *engine.Engine, store *policy.Store,
	log logr.Logger) (*webhook.Handler, error) {
	loader, err := newContextLoader(cfg, o, mgr.GetClient(), mgr.GetAPIReader())
	if err != nil {
		return nil, err
	}
	metrics, err := webhook.NewMetrics(ctrlmetrics.Registry)
	if err != nil {
		return nil, fmt.Errorf("registering metrics: %w", err)
	}
	return &webhook.Handler{
		Engine: eng, Store: store,
		Loader:          loader,
		Namespaces:      namespaceLabels{c: mgr.GetClient()},
		Kinds:           mgr.GetRESTMapper(),
		Audit:           webhook.EventAuditor{Recorder: mgr.GetEventRecorder("bylaw-admission")},
		Metrics:         metrics,
		Excluded:        o.excluded(),
		MaxRequestBytes: o.MaxRequestBytes,
		Log:             log.WithName("admission"),
	}, nil
}

func newSyncer(mgr ctrl.Manager, o Options) (*registration.Syncer, error) {
	opts := registration.Options{ExcludedNamespaces: o.excluded(), Monitor: o.registrationMonitor()}
	if o.WebhookURL != "" {
		opts.URL = o.WebhookURL
	} else {
		opts.Service = &admissionregistrationv1.ServiceReference{Namespace: o.Namespace, Name: o.WebhookService}
	}
	return &registration.Syncer{Mapper: mgr.GetRESTMapper(), Options: opts}, nil
}

func addChecks(mgr ctrl.Manager, store *policy.Store, keeper *certs.Keeper) error {
	if err := mgr.AddHealthzCheck("ping", healthz.Ping); err != nil {
		return err
	}
	if err := mgr.AddReadyzCheck("policies", func(*http.Request) error {
		if !store.Ready() {
			return errors.New("the first policy set is not loaded yet")
		}
		return nil
	}); err != nil {
		return err
	}
	return mgr.AddReadyzCheck("certificate", keeper.Ready)
}

// namespaceLabels reads namespace labels from the manager's cache.
type namespaceLabels struct{ c client.Reader }

func (n namespaceLabels) NamespaceLabels(ctx context.Context, name string) (map[string]string, error) {
	var ns corev1.Namespace
	if err := n.c.Get(ctx, client.ObjectKey{Name: name}, &ns); err != nil {
		return nil, err
	}
	return ns.Labels, nil
}
