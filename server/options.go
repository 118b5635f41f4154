package server

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"

	policyctl "github.com/bylaw-dev/bylaw/controllers/policy"
	"github.com/bylaw-dev/bylaw/reports"
	"github.com/bylaw-dev/bylaw/webhook"
)

// Options are the settings of `bylaw serve`, bound to flags by AddFlags.
type Options struct {
	Kubeconfig         string
	Namespace          string
	WebhookHost        string
	WebhookPort        int
	WebhookService     string
	WebhookURL         string
	CertSecret         string
	CertValidity       time.Duration
	CAValidity         time.Duration
	ExcludedNamespaces []string
	// ExceptionNamespaces are the namespaces PolicyExceptions are trusted from; nil means --namespace only.
	ExceptionNamespaces []string
	// CELHTTPHosts are the hosts the CEL http library of cluster-wide CEL policies may call; none by default.
	CELHTTPHosts           []string
	MetricsBindAddress     string
	MetricsSecure          bool
	MetricsCertDir         string
	HealthProbeBindAddress string
	LeaderElect            bool
	LeaderElectionID       string
	MaxRequestBytes        int64
	ResyncInterval         time.Duration
	ShutdownTimeout        time.Duration
	GitCacheDir            string
	GitHookTokenFile       string
	Scan                   bool
	ScanInterval           time.Duration
	ScanWorkers            int
	ScanRate               float64
	ReportMaxResults       int
	// ReportAPI is the API group of the reports written: "wgpolicyk8s" (PolicyReports) or "openreports" (Reports).
	ReportAPI string
	// ContextServiceAccount is the ServiceAccount, in Namespace, that every apiCall context entry impersonates.
	ContextServiceAccount string
	// ClientCAFile and ClientCASecret turn on mutual TLS on the webhook port (one of them); ClientCertNames narrows
	// the client certificates accepted to those carrying one of the names.
	ClientCAFile    string
	ClientCASecret  string
	ClientCertNames []string

	// MonitorOptions are the webhook monitor's and the uninstall's (monitor.go).
	MonitorOptions
	// CleanupOptions are the cleanup controller's (cleanup.go).
	CleanupOptions
}

// DefaultOptions returns the defaults of every flag.
func DefaultOptions() Options {
	ns := os.Getenv("POD_NAMESPACE")
	if ns == "" {
		ns = "bylaw-system"
	}
	return Options{
		Namespace:              ns,
		WebhookPort:            9443,
		WebhookService:         "bylaw-webhook",
		CertSecret:             "bylaw-webhook-tls",
		CertValidity:           365 * 24 * time.Hour,
		CAValidity:             10 * 365 * 24 * time.Hour,
		ExcludedNamespaces:     []string{"kube-system"},
		MetricsBindAddress:     ":8443",
		MetricsSecure:          true,
		HealthProbeBindAddress: ":8081",
		LeaderElect:            true,
		LeaderElectionID:       "bylaw-leader",
		MaxRequestBytes:        webhook.DefaultMaxRequestBytes,
		ResyncInterval:         time.Minute,
		ShutdownTimeout:        15 * time.Second,
		GitCacheDir:            filepath.Join(os.TempDir(), "bylaw-git"),
		Scan:                   true,
		ScanInterval:           time.Hour,
		ScanWorkers:            2,
		ScanRate:               50,
		ReportMaxResults:       1000,
		ReportAPI:              string(reports.WGPolicy),
		ContextServiceAccount:  "bylaw-context",
		MonitorOptions:         defaultMonitorOptions(),
		CleanupOptions:         defaultCleanupOptions(),
	}
}

// AddFlags binds o to flags of fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig, "path to a kubeconfig (default: in-cluster configuration, then $KUBECONFIG)")
	fs.StringVar(&o.Namespace, "namespace", o.Namespace, "namespace Bylaw runs in (default: $POD_NAMESPACE, else bylaw-system)")
	fs.StringVar(&o.WebhookHost, "webhook-host", o.WebhookHost, "address the admission webhook binds to (empty: all)")
	fs.IntVar(&o.WebhookPort, "webhook-port", o.WebhookPort, "HTTPS port of the admission webhook")
	fs.StringVar(&o.WebhookService, "webhook-service", o.WebhookService, "Service through which the API server calls the webhook (port 443)")
	fs.StringVar(&o.WebhookURL, "webhook-url", o.WebhookURL, "https base URL the API server calls instead of the Service, for out-of-cluster runs (e.g. https://127.0.0.1:9443)")
	fs.StringVar(&o.CertSecret, "cert-secret", o.CertSecret, "Secret in --namespace holding the webhook CA and serving certificate (created when missing)")
	fs.DurationVar(&o.CertValidity, "cert-validity", o.CertValidity, "validity of a new serving certificate; renewed when a third is left")
	fs.DurationVar(&o.CAValidity, "ca-validity", o.CAValidity, "validity of a new CA; renewed when a third is left")
	fs.StringSliceVar(&o.ExcludedNamespaces, "excluded-namespaces", o.ExcludedNamespaces, "namespaces never evaluated at admission (Bylaw's own namespace is always added)")
	fs.StringSliceVar(&o.ExceptionNamespaces, "exception-namespaces", o.ExceptionNamespaces, "namespaces whose "+
		"PolicyExceptions take effect (default: --namespace only); \"*\" trusts every namespace, an empty value none")
	fs.StringSliceVar(&o.CELHTTPHosts, "cel-http-hosts", o.CELHTTPHosts, "hosts (host, host:port or *.domain) the CEL "+
		"http library of cluster-wide ValidatingPolicies may call; none by default, never for namespaced policies")
	fs.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress, "address of /metrics and /status (0 disables them)")
	fs.BoolVar(&o.MetricsSecure, "metrics-secure", o.MetricsSecure, "serve /metrics and /status over HTTPS to callers "+
		"with a Kubernetes token allowed to get the path (false: plain HTTP without authentication, loopback addresses only)")
	fs.StringVar(&o.MetricsCertDir, "metrics-cert-dir", o.MetricsCertDir, "folder with tls.crt and tls.key for the "+
		"metrics endpoint, reloaded on change (empty: a self-signed certificate made at start)")
	fs.StringVar(&o.HealthProbeBindAddress, "health-probe-bind-address", o.HealthProbeBindAddress, "address of /healthz and /readyz")
	fs.BoolVar(&o.LeaderElect, "leader-elect", o.LeaderElect, "elect a leader (a Lease in --namespace) for the work that writes to the cluster")
	fs.StringVar(&o.LeaderElectionID, "leader-election-id", o.LeaderElectionID, "name of the leader election Lease")
	fs.Int64Var(&o.MaxRequestBytes, "max-request-bytes", o.MaxRequestBytes, "size limit of an AdmissionReview")
	fs.DurationVar(&o.ResyncInterval, "webhook-resync-interval", o.ResyncInterval, "how often the webhook configurations are re-checked against the policy set")
	fs.DurationVar(&o.ShutdownTimeout, "shutdown-timeout", o.ShutdownTimeout, "time given to in-flight requests and controllers on shutdown")
	fs.StringVar(&o.GitCacheDir, "git-cache-dir", o.GitCacheDir, "folder of the git caches of GitSources")
	fs.StringVar(&o.GitHookTokenFile, "git-hook-token-file", o.GitHookTokenFile, "file holding the bearer token of the push hook "+
		"(POST /hooks/git on the webhook port); no file, no hook")
	fs.BoolVar(&o.Scan, "background-scan", o.Scan, "evaluate existing resources against background policies and write PolicyReports (on the leader)")
	fs.DurationVar(&o.ScanInterval, "scan-interval", o.ScanInterval, "time between two full scans; changes are scanned as they happen")
	fs.IntVar(&o.ScanWorkers, "scan-workers", o.ScanWorkers, "objects or kinds scanned at once")
	fs.Float64Var(&o.ScanRate, "scan-rate", o.ScanRate, "API requests per second of the scanner, and scan work items started per second")
	fs.IntVar(&o.ReportMaxResults, "report-max-results", o.ReportMaxResults, "results a PolicyReport holds at most; beyond, "+
		"passes then skips then warnings are dropped and counted in the summary")
	fs.StringVar(&o.ReportAPI, "report-api", o.ReportAPI, "API group of the reports written: wgpolicyk8s "+
		"(wgpolicyk8s.io/v1alpha2 PolicyReports) or openreports (openreports.io/v1alpha1 Reports); the other group's "+
		"reports Bylaw wrote are deleted once the first scan is in")
	fs.StringVar(&o.ContextServiceAccount, "context-service-account", o.ContextServiceAccount, "ServiceAccount in --namespace "+
		"that every apiCall context entry impersonates: policies read the API server with its rights (view, no Secrets), never with Bylaw's")
	o.addClientAuthFlags(fs)
	o.addMonitorFlags(fs)
	o.addCleanupFlags(fs)
}

// Validate checks the options and names the flag at fault.
func (o *Options) Validate() error {
	var errs []error
	if o.Namespace == "" {
		errs = append(errs, errors.New("--namespace: required"))
	}
	if o.WebhookPort < 1 || o.WebhookPort > 65535 {
		errs = append(errs, fmt.Errorf("--webhook-port: %d is not a port", o.WebhookPort))
	}
	if o.WebhookURL != "" {
		u, err := url.Parse(o.WebhookURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, fmt.Errorf("--webhook-url: %q is not an https URL", o.WebhookURL))
		}
	} else if o.WebhookService == "" {
		errs = append(errs, errors.New("--webhook-service or --webhook-url: one is required"))
	}
	if o.CertValidity <= 0 || o.CAValidity < o.CertValidity {
		errs = append(errs, errors.New("--cert-validity must be positive and at most --ca-validity"))
	}
	if o.ScanInterval < time.Minute || o.ScanWorkers < 1 || o.ScanRate <= 0 {
		errs = append(errs, errors.New("--scan-interval must be at least 1m, --scan-workers at least 1 and --scan-rate positive"))
	}
	if o.ReportMaxResults < 1 {
		errs = append(errs, fmt.Errorf("--report-max-results: %d is not positive", o.ReportMaxResults))
	}
	if _, err := reports.ParseAPI(o.ReportAPI); err != nil {
		errs = append(errs, fmt.Errorf("--report-api: %w", err))
	}
	if o.ContextServiceAccount == "" {
		errs = append(errs, errors.New("--context-service-account: required (apiCall context never reads with Bylaw's own rights)"))
	}
	if o.MaxRequestBytes < 1024 {
		errs = append(errs, fmt.Errorf("--max-request-bytes: %d is too small", o.MaxRequestBytes))
	}
	for _, h := range o.CELHTTPHosts {
		if h == "" || strings.ContainsAny(h, "/ ") {
			errs = append(errs, fmt.Errorf("--cel-http-hosts: %q is not host, host:port or *.domain", h))
		}
	}
	if err := validateExceptionNamespaces(o.ExceptionNamespaces); err != nil {
		errs = append(errs, err)
	}
	if err := o.validateMetrics(); err != nil {
		errs = append(errs, err)
	}
	if err := o.validateClientAuth(); err != nil {
		errs = append(errs, err)
	}
	if err := o.validateMonitor(); err != nil {
		errs = append(errs, err)
	}
	if err := o.validateCleanup(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// validateExceptionNamespaces accepts namespace names, or "*" alone.
func validateExceptionNamespaces(names []string) error {
	var errs []error
	for _, name := range names {
		switch {
		case name == policyctl.AllNamespaces && len(names) > 1:
			errs = append(errs, fmt.Errorf("--exception-namespaces: %q trusts every namespace and stands alone", name))
		case name == policyctl.AllNamespaces:
		default:
			for _, msg := range validation.IsDNS1123Label(name) {
				errs = append(errs, fmt.Errorf("--exception-namespaces: %q is not a namespace name: %s", name, msg))
			}
		}
	}
	return errors.Join(errs...)
}

// exceptionNamespaces returns the namespaces PolicyExceptions are trusted from: the flag's, else Bylaw's own.
func (o *Options) exceptionNamespaces() policyctl.ExceptionNamespaces {
	if o.ExceptionNamespaces == nil {
		return policyctl.ExceptionNamespaces{o.Namespace}
	}
	return slices.Clone(o.ExceptionNamespaces)
}

// excluded returns the namespaces never evaluated: the flag's, plus Bylaw's own.
func (o *Options) excluded() []string {
	out := slices.Clone(o.ExcludedNamespaces)
	if !slices.Contains(out, o.Namespace) {
		out = append(out, o.Namespace)
	}
	return out
}

// servingNames returns the names and addresses the serving certificate must cover.
func (o *Options) servingNames() ([]string, []net.IP) {
	if o.WebhookURL != "" {
		u, _ := url.Parse(o.WebhookURL)
		if ip := net.ParseIP(u.Hostname()); ip != nil {
			return nil, []net.IP{ip}
		}
		return []string{u.Hostname()}, nil
	}
	svc, ns := o.WebhookService, o.Namespace
	return []string{svc, svc + "." + ns, svc + "." + ns + ".svc", svc + "." + ns + ".svc.cluster.local"}, nil
}
