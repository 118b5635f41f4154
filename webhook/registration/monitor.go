package registration

import (
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

const (
	// DefaultMonitorName is the name of the monitor's MutatingWebhookConfiguration when Options leaves it empty.
	DefaultMonitorName = "bylaw-monitor"
	// MonitorPath is the URL path of the monitor webhook, beside the class paths of Path.
	MonitorPath = "/monitor"
	// monitorWebhookName is the name of the one webhook of the monitor configuration.
	monitorWebhookName = "monitor" + nameSuffix
	// monitorTimeoutSeconds is short: the call is a probe, and it fails open.
	monitorTimeoutSeconds = 3
)

// Monitor says which objects the monitor webhook is sent: updates of the Leases in Namespace labelled
// LabelKey=LabelValue, and nothing else.
type Monitor struct {
	Namespace, LabelKey, LabelValue string
}

// DesiredMonitor returns the monitor's configuration: one fail-open mutating webhook (failurePolicy Ignore, no side
// effects) on the monitor Leases. It exists whatever the policy set, so that the API server's calls can be proven
// even when no policy needs a webhook. It is nil when opts has no Monitor or is invalid.
func DesiredMonitor(caBundle []byte, opts Options) *admissionregistrationv1.MutatingWebhookConfiguration {
	opts, err := opts.complete()
	if err != nil || opts.Monitor == nil {
		return nil
	}
	m := opts.Monitor
	ignore := admissionregistrationv1.Ignore
	sideEffects := admissionregistrationv1.SideEffectClassNone
	matchPolicy := admissionregistrationv1.Exact
	reinvocation := admissionregistrationv1.NeverReinvocationPolicy
	timeout := int32(monitorTimeoutSeconds)
	return &admissionregistrationv1.MutatingWebhookConfiguration{
		ObjectMeta: opts.objectMeta(opts.MonitorName),
		Webhooks: []admissionregistrationv1.MutatingWebhook{{
			Name:         monitorWebhookName,
			ClientConfig: opts.clientConfig(MonitorPath, caBundle),
			Rules: []admissionregistrationv1.RuleWithOperations{{
				Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Update},
				Rule: admissionregistrationv1.Rule{APIGroups: []string{"coordination.k8s.io"}, APIVersions: []string{"v1"},
					Resources: []string{"leases"}, Scope: ptr.To(admissionregistrationv1.NamespacedScope)},
			}},
			FailurePolicy: &ignore,
			MatchPolicy:   &matchPolicy,
			// Bylaw's own namespace is excluded from the policy webhooks, never from this one.
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{namespaceNameLabel: m.Namespace}},
			ObjectSelector:          &metav1.LabelSelector{MatchLabels: map[string]string{m.LabelKey: m.LabelValue}},
			SideEffects:             &sideEffects,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
			ReinvocationPolicy:      &reinvocation,
		}},
	}
}
