package v1

import admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

// AdmissionEnabled reports whether the policy runs at admission (default true).
func (s *ValidatingPolicySpec) AdmissionEnabled() bool {
	e := s.EvaluationConfiguration
	return e == nil || e.Admission == nil || e.Admission.Enabled == nil || *e.Admission.Enabled
}

// BackgroundEnabled reports whether the policy runs in background scans (default true).
func (s *ValidatingPolicySpec) BackgroundEnabled() bool {
	e := s.EvaluationConfiguration
	return e == nil || e.Background == nil || e.Background.Enabled == nil || *e.Background.Enabled
}

// EvaluationMode returns the evaluation mode (default Kubernetes).
func (s *ValidatingPolicySpec) EvaluationMode() EvaluationMode {
	if s.EvaluationConfiguration == nil || s.EvaluationConfiguration.Mode == "" {
		return EvaluationModeKubernetes
	}
	return s.EvaluationConfiguration.Mode
}

// EffectiveFailurePolicy returns the failure policy (default Fail).
func (s *ValidatingPolicySpec) EffectiveFailurePolicy() admissionregistrationv1.FailurePolicyType {
	if s.FailurePolicy == nil || *s.FailurePolicy == "" {
		return admissionregistrationv1.Fail
	}
	return *s.FailurePolicy
}

// ValidationActions returns the validation actions (default Deny, as Kyverno).
func (s *ValidatingPolicySpec) ValidationActions() []admissionregistrationv1.ValidationAction {
	if len(s.ValidationAction) == 0 {
		return []admissionregistrationv1.ValidationAction{admissionregistrationv1.Deny}
	}
	return s.ValidationAction
}

// TimeoutSeconds returns the webhook timeout, or nil for the default.
func (s *ValidatingPolicySpec) TimeoutSeconds() *int32 {
	if s.WebhookConfiguration == nil {
		return nil
	}
	return s.WebhookConfiguration.TimeoutSeconds
}

// PodControllers returns the controllers rules are generated for, and whether the list was written (nil and
// false: all controllers).
func (s *ValidatingPolicySpec) PodControllers() ([]string, bool) {
	a := s.AutogenConfiguration
	if a == nil || a.PodControllers == nil || a.PodControllers.Controllers == nil {
		return nil, false
	}
	return a.PodControllers.Controllers, true
}
