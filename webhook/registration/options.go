package registration

import (
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	// DefaultValidatingName is the name of the ValidatingWebhookConfiguration when Options leaves it empty.
	DefaultValidatingName = "bylaw-validating"
	// DefaultMutatingName is the name of the MutatingWebhookConfiguration when Options leaves it empty.
	DefaultMutatingName = "bylaw-mutating"
	// LabelManagedBy is set on both configurations, with the value ManagedBy.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedBy is the value of LabelManagedBy.
	ManagedBy = "bylaw"
	// namespaceNameLabel is the label the API server sets on every namespace to its name.
	namespaceNameLabel = "kubernetes.io/metadata.name"
	defaultServicePort = 443
)

// Options says how the API server reaches the webhook and what the configurations look like.
type Options struct {
	// ValidatingName and MutatingName name the configurations (defaults "bylaw-validating", "bylaw-mutating").
	ValidatingName, MutatingName string
	// MonitorName names the monitor's configuration (default "bylaw-monitor").
	MonitorName string
	// Monitor, when set, adds the monitor's configuration (DesiredMonitor); nil leaves it out (and Sync deletes it).
	Monitor *Monitor
	// Service is the Service the API server calls (port 443 when unset). Its path, if any, prefixes the class paths.
	// Exactly one of Service and URL is set.
	Service *admissionregistrationv1.ServiceReference
	// URL is the https base URL the API server calls instead of a Service, e.g. "https://127.0.0.1:9443".
	URL string
	// ExcludedNamespaces are never sent to the webhook (namespaceSelector kubernetes.io/metadata.name NotIn).
	ExcludedNamespaces []string
	// Labels are added to both configurations, beside app.kubernetes.io/managed-by: bylaw.
	Labels map[string]string
}

// complete validates o and fills in the defaults.
func (o Options) complete() (Options, error) {
	if o.ValidatingName == "" {
		o.ValidatingName = DefaultValidatingName
	}
	if o.MutatingName == "" {
		o.MutatingName = DefaultMutatingName
	}
	if o.MonitorName == "" {
		o.MonitorName = DefaultMonitorName
	}
	if m := o.Monitor; m != nil && (m.Namespace == "" || m.LabelKey == "" || m.LabelValue == "") {
		return o, errors.New("options: the monitor needs a namespace, a label key and a label value")
	}
	switch {
	case o.Service != nil && o.URL != "":
		return o, errors.New("options: set either a Service or a URL, not both")
	case o.Service == nil && o.URL == "":
		return o, errors.New("options: set a Service or a URL for the API server to call")
	case o.Service != nil:
		if o.Service.Namespace == "" || o.Service.Name == "" {
			return o, errors.New("options: the Service needs a namespace and a name")
		}
	default:
		if err := checkURL(o.URL); err != nil {
			return o, err
		}
	}
	return o, nil
}

// Names returns the names of the configurations these options describe: validating, mutating, monitor.
func (o Options) Names() (validating, mutating, monitor string) {
	o, _ = o.complete() // names are filled in even when the options are invalid
	return o.ValidatingName, o.MutatingName, o.MonitorName
}

// checkURL accepts what the API server accepts for a webhook URL: https, a host, no query, fragment or user info.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("options: invalid webhook URL %q: %w", raw, err)
	}
	if u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("options: webhook URL %q must be https://host[:port][/path] without query, fragment or user", raw)
	}
	return nil
}

// clientConfig returns how the API server reaches the webhook serving path.
func (o Options) clientConfig(path string, caBundle []byte) admissionregistrationv1.WebhookClientConfig {
	cc := admissionregistrationv1.WebhookClientConfig{CABundle: slices.Clone(caBundle)}
	if o.Service == nil {
		u := strings.TrimSuffix(o.URL, "/") + path
		cc.URL = &u
		return cc
	}
	svc := o.Service.DeepCopy()
	full := path
	if svc.Path != nil {
		full = strings.TrimSuffix(*svc.Path, "/") + path
	}
	svc.Path = &full
	if svc.Port == nil {
		port := int32(defaultServicePort)
		svc.Port = &port
	}
	cc.Service = svc
	return cc
}

// namespaceSelector keeps excluded namespaces away from the webhook; it is empty (every namespace) when none is.
func (o Options) namespaceSelector() *metav1.LabelSelector {
	names := slices.Clone(o.ExcludedNamespaces)
	names = slices.DeleteFunc(names, func(s string) bool { return s == "" })
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return &metav1.LabelSelector{}
	}
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{
		Key: namespaceNameLabel, Operator: metav1.LabelSelectorOpNotIn, Values: names,
	}}}
}

// objectMeta returns the metadata of a configuration named name.
func (o Options) objectMeta(name string) metav1.ObjectMeta {
	labels := maps.Clone(o.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels[LabelManagedBy] = ManagedBy
	return metav1.ObjectMeta{Name: name, Labels: labels}
}
