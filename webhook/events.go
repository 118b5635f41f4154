package webhook

import (
	"context"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"

	"github.com/bylaw-dev/bylaw/api/v1alpha1"
	"github.com/bylaw-dev/bylaw/engine"
)

// EventAuditor records each Audit failure as a Warning event on the policy.
type EventAuditor struct {
	Recorder events.EventRecorder
}

// Audit records one failed Audit rule.
func (a EventAuditor) Audit(_ context.Context, p *engine.Policy, rr engine.RuleResult, ar *admissionv1.AdmissionRequest) {
	note := fmt.Sprintf("%s %s: rule %s failed: %s", ar.Operation, resourceName(ar), rr.Rule, rr.Message)
	if prov := p.Provenance.String(); prov != "" {
		note += " (policy " + prov + ")"
	}
	a.Recorder.Eventf(policyObject(p), nil, corev1.EventTypeWarning, "PolicyViolation", "Admit", "%s", note)
}

// policyObject is a reference-only object for the policy's CR, for events.
func policyObject(p *engine.Policy) runtime.Object {
	tm := metav1.TypeMeta{APIVersion: v1alpha1.SchemeGroupVersion.String(), Kind: p.Kind}
	if p.Namespace != "" {
		return &v1alpha1.Policy{TypeMeta: tm, ObjectMeta: metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace}}
	}
	return &v1alpha1.ClusterPolicy{TypeMeta: tm, ObjectMeta: metav1.ObjectMeta{Name: p.Name}}
}
